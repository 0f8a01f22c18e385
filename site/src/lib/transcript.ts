/**
 * An agent session's transcript (Claude Code's stream-json lines, or Codex's events) read into
 * entries a person can follow: the agent's words, each tool call with its result (shown folded),
 * and the session's start and end. Lines of any other shape are kept as raw JSON.
 */
export type TranscriptEntry =
  | { kind: 'start'; text: string }
  | { kind: 'text'; text: string }
  | {
      kind: 'tool';
      id: string;
      tool: string;
      /** The input's most telling field (a path, a command), for the folded line. */
      summary: string;
      input: string;
      result?: string;
      isError?: boolean;
    }
  | { kind: 'note'; text: string; level: 'info' | 'warn' }
  | { kind: 'end'; text: string; isError: boolean }
  | { kind: 'raw'; text: string };

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => !!x && typeof x === 'object' && !Array.isArray(x);
const str = (x: unknown) =>
  typeof x === 'string' ? x : x === undefined ? '' : JSON.stringify(x, null, 2);

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((b) => (isObj(b) && typeof b.text === 'string' ? b.text : '')).join('');
  return str(content);
}

function summaryOf(input: unknown): string {
  if (!isObj(input)) return '';
  for (const key of ['file_path', 'command', 'pattern', 'url', 'path', 'description']) {
    const val = input[key];
    if (typeof val === 'string') return val.length > 120 ? `${val.slice(0, 119)}…` : val;
  }
  return '';
}

const KNOWN = new Set([
  'system',
  'assistant',
  'user',
  'rate_limit_event',
  'result',
  'transcript_truncated',
]);

/** Reads lines one at a time; tool results are attached to the call they answer. */
export class TranscriptReader {
  entries: TranscriptEntry[] = [];
  #tools = new Map<string, Extract<TranscriptEntry, { kind: 'tool' }>>();

  /** Adds one line; returns true when the entries changed. */
  add(line: string): boolean {
    if (!line.trim()) return false;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      this.entries.push({ kind: 'raw', text: line });
      return true;
    }
    if (!isObj(o)) return false;
    if (KNOWN.has(String(o.type))) this.#read(o);
    else this.entries.push({ kind: 'raw', text: JSON.stringify(o) });
    return true;
  }

  #read(o: Obj): void {
    const message = isObj(o.message) ? o.message : undefined;
    const content = Array.isArray(message?.content) ? message.content : [];
    if (o.type === 'system' && o.subtype === 'init') {
      this.entries.push({
        kind: 'start',
        text: `Session started · model ${str(o.model) || 'unknown'}`,
      });
    } else if (o.type === 'system' && o.subtype === 'api_retry') {
      const delay = Math.round(Number(o.retry_delay_ms ?? 0) / 1000);
      this.entries.push({
        kind: 'note',
        level: 'warn',
        text: `The API was busy (${str(o.error_status)}): retry ${str(o.attempt)} in ${delay} s`,
      });
    } else if (o.type === 'system') {
      // Hooks and status lines: nothing a reader needs.
      this.entries.push({ kind: 'note', level: 'info', text: `system: ${str(o.subtype)}` });
    } else if (o.type === 'assistant') {
      for (const b of content) {
        if (!isObj(b)) continue;
        if (b.type === 'text' && typeof b.text === 'string')
          this.entries.push({ kind: 'text', text: b.text });
        if (b.type === 'tool_use') {
          const entry = {
            kind: 'tool' as const,
            id: str(b.id),
            tool: str(b.name),
            summary: summaryOf(b.input),
            input: str(b.input),
          };
          this.#tools.set(entry.id, entry);
          this.entries.push(entry);
        }
      }
    } else if (o.type === 'user') {
      for (const b of content) {
        if (!isObj(b) || b.type !== 'tool_result') continue;
        const call = this.#tools.get(str(b.tool_use_id));
        const text = resultText(b.content);
        if (call) Object.assign(call, { result: text, isError: b.is_error === true });
        else this.entries.push({ kind: 'note', level: 'info', text });
      }
      if (!content.length && typeof message?.content === 'string')
        this.entries.push({ kind: 'note', level: 'info', text: message.content });
    } else if (o.type === 'rate_limit_event') {
      const info = isObj(o.rate_limit_info) ? o.rate_limit_info : {};
      this.entries.push({
        kind: 'note',
        level: 'warn',
        text: `Usage limit: ${str(info.status)}${info.resetsAt ? `, resets ${str(info.resetsAt)}` : ''}`,
      });
    } else if (o.type === 'result') {
      const cost = typeof o.total_cost_usd === 'number' ? ` · $${o.total_cost_usd.toFixed(4)}` : '';
      const turns = typeof o.num_turns === 'number' ? ` · ${o.num_turns} turns` : '';
      const isError = o.is_error === true;
      const what = isError
        ? `Ended with an error${o.result ? `: ${str(o.result)}` : ''}`
        : 'Finished';
      this.entries.push({ kind: 'end', isError, text: `${what}${turns}${cost}` });
    } else if (o.type === 'transcript_truncated') {
      this.entries.push({
        kind: 'note',
        level: 'warn',
        text: `The rest of this session was not stored (over ${str(o.cap_bytes)} bytes).`,
      });
    }
  }
}
