import type { Finding, FindingInput } from './types.ts';

/**
 * Error signatures: a stable string per kind of problem, so recurring problems can be counted
 * across runs. Internal rules are identified by their rule id plus the JSON path with array
 * indices folded (`phases[3]` → `phases[*]`); external messages by their text with the variable
 * parts (paths, quoted names, uuids, numbers, the scenario's own name) replaced by markers.
 */

const MAX_SIGNATURE = 240;

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const QUOTED = /'[^']*'|"[^"]*"|`[^`]*`|‘[^’]*’|“[^”]*”/g;
// A token with a slash, a leading ./ ~ or $VAR/, or a name with a file extension.
const PATH =
  /(?:[~.$]?[\w.$@{}-]*\/[\w.$@{}\/-]*|\b[\w-]+\.(?:json|sql|sh|ts|js|go|ya?ml|md|txt|py|tsx|css|html)\b)/g;
const HEX = /\b[0-9a-f]{12,}\b/gi;
const NUMBER = /\d+(?:\.\d+)*/g;
// Emoji and pictographs that decorate lines but carry no meaning for a signature.
const DECORATION = /[\p{Extended_Pictographic}\u{FE0F}\u{200D}•]/gu;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Normalises a free-text message (typically an external validator's line) into its signature
 * text: `Referenced file not found: initialization/storage/schema.sql` and
 * `Referenced file not found: initialization/x/y.json` both become
 * `Referenced file not found: <path>`.
 * @param name the scenario's name, replaced by `<name>` wherever it appears as a word.
 */
export function normaliseMessage(message: string, name?: string): string {
  let s = message.replace(DECORATION, ' ');
  s = s.replace(UUID, '<uuid>');
  s = s.replace(QUOTED, '<q>');
  if (name) s = s.replace(new RegExp(`(?<![\\w-])${escapeRegExp(name)}(?![\\w-])`, 'g'), '<name>');
  s = s.replace(PATH, (m) => (/[/.]/.test(m) ? '<path>' : m));
  s = s.replace(HEX, '<hex>');
  s = s.replace(NUMBER, '<n>');
  s = s.replace(/\s+/g, ' ').trim();
  return s;
}

/** Folds array indices so findings at different positions share a signature. */
export function normaliseJsonPath(jsonPath: string): string {
  return jsonPath.replace(/\[\d+\]/g, '[*]');
}

/**
 * The signature of a finding. External findings (`ruleId` `external`) are identified by their
 * normalised message; internal rules by rule id and the index-folded JSON path, because the rule
 * id already says what went wrong and the message only repeats the concrete values.
 * @param context.name the scenario's name, folded out of external messages.
 */
export function signatureOf(
  finding: FindingInput | Finding,
  context: { name?: string } = {},
): string {
  let sig: string;
  if (finding.ruleId === 'external') {
    sig = `external:${normaliseMessage(finding.message, context.name)}`;
  } else {
    sig = finding.ruleId;
    if (finding.jsonPath) sig += `@${normaliseJsonPath(finding.jsonPath)}`;
  }
  return sig.length > MAX_SIGNATURE ? sig.slice(0, MAX_SIGNATURE) : sig;
}
