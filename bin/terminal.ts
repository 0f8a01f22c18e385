/**
 * Text from a server (titles, errors, the agent's last action) is written by users, webhooks and
 * models; printed raw, an escape sequence in it could retitle the window, rewrite earlier lines,
 * or hide output. Everything the CLI prints from a server goes through `terminalSafe` (text) or
 * `terminalJson` (JSON output).
 */

/**
 * ESC or 8-bit sequences: CSI (`ESC [` / U+009B … final byte), string sequences — OSC, DCS, SOS,
 * PM, APC (`ESC ] P X ^ _` / U+009D U+0090 U+0098 U+009E U+009F … up to BEL or ST) — and any
 * other two-character ESC sequence.
 */
const SEQUENCES =
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[\x20-\x7e]?/g;
/** White-space controls become a space, so words stay apart on one line. */
const SPACING = /[\t\n\r\v\f]/g;
/** Every other C0 control, DEL and C1 control. */
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;

/** `text` without control characters or escape sequences, for printing on a terminal. */
export function terminalSafe(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  return String(text).replace(SEQUENCES, '').replace(SPACING, ' ').replace(CONTROLS, '');
}

/**
 * JSON for the terminal: the same data (a JSON parser reads back every character), but C1
 * controls and DEL, which JSON.stringify leaves raw, are written as `\u` escapes too.
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\x7f-\x9f]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
