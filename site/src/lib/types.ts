/**
 * The API's shapes as the dashboard reads them: the types of the one contract
 * (functions/contract/, imported as types only, so nothing of it reaches the bundle) and the
 * domain's vocabulary (core/domain.ts: a few constant lists). Only shapes the UI alone has are
 * declared here.
 */
import type {
  CampaignSnapshot,
  ScenarioStreamSnapshot,
} from '../../../functions/contract/index.ts';

export type {
  AgentDetail,
  ArchiveLink,
  Artifact,
  ArtifactFile,
  ArtifactList,
  AuditPage,
  AuditRow,
  AuthStatus,
  BatchAction,
  BatchItemResult,
  BatchResult,
  Campaign,
  CampaignCreate,
  CampaignList,
  CampaignPatch,
  CampaignSnapshot,
  FieldIssue,
  Finding,
  GenerationConfig,
  Interaction,
  InteractionList,
  LiveEvent,
  LiveEventType,
  LogList,
  Member,
  MemberInput,
  MemberList,
  Meta,
  NewUserInput,
  PlanList,
  PlanText,
  PlanVersion,
  Problem,
  Profile,
  Profiles,
  RetryInput,
  Role,
  Run,
  RunDetail,
  RunList,
  RunStep,
  Scenario,
  ScenarioCreate,
  ScenarioPage,
  ScenarioPatch,
  ScenarioSnapshot,
  ScenarioStreamSnapshot,
  SecretSource,
  SessionBudget,
  SessionInfo,
  Settings,
  User,
  UserList,
  Validation,
  ValidationList,
} from '../../../functions/contract/index.ts';

export {
  ACTIVE_STATUSES,
  CAMPAIGN_COLORS,
  CAMPAIGN_ICONS,
  COMPLEXITIES,
  DEFAULT_CONFIG,
  LIVE_KINDS,
  PHASES,
  SCENARIO_STATUSES,
  type CampaignColor,
  type CampaignIcon,
  type Complexity,
  type EvidenceLevel,
  type Phase,
  type RunStatus,
  type ScenarioStatus,
} from '../../../core/domain.ts';

/** `snapshot` data of either stream, read field by field. */
export type SnapshotData = Partial<CampaignSnapshot & ScenarioStreamSnapshot>;
