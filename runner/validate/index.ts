/** The scenario validator: profiles, the single entry point, formats, signatures, external validators. */
export { validateScenario, type ValidateOptions } from './validate.ts';
export { DEFAULT_PROFILE_ID, getProfile, listProfiles } from './profiles.ts';
export { isProfileId, listProfileInfo } from './catalogue.ts';
export { formatJson, formatTagged, TAGS } from './format.ts';
export { normaliseMessage, signatureOf } from './finding-signature.ts';
export {
  parseTaggedOutput,
  TaggedOutputParser,
  classifyLine,
  type ParsedOutput,
} from './external/parse.ts';
export { judgeExternal } from './external/verdict.ts';
export {
  runExternalValidator,
  DEFAULT_ENV_ALLOW,
  type ExternalValidatorOptions,
  type ExternalValidatorResult,
} from './external/run.ts';
export {
  REPORT_SCHEMA_VERSION,
  type Finding,
  type FindingCounts,
  type Profile,
  type ProfileInfo,
  type Severity,
  type ValidationReport,
} from './types.ts';
