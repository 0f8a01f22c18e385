/**
 * Parsing Server-Sent Events as they arrive: complete blocks (ended by a blank line) become
 * messages; what is left waits for the next chunk. Used by the terminal client and the tests.
 */
export interface SseMessage {
  /** `message` unless the block named one; `comment` for a comment-only block (heartbeat). */
  event: string;
  id?: string;
  /** The JSON in the data lines, when there were any. */
  data?: unknown;
  comment?: string;
}

export function takeSseMessages(buffer: string): { messages: SseMessage[]; rest: string } {
  const messages: SseMessage[] = [];
  let rest = buffer;
  let i: number;
  while ((i = rest.indexOf('\n\n')) >= 0) {
    const block = rest.slice(0, i);
    rest = rest.slice(i + 2);
    const msg: SseMessage = { event: 'message' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) msg.comment = line.slice(1).trim();
      else if (line.startsWith('event:')) msg.event = line.slice(6).trim();
      else if (line.startsWith('id:')) msg.id = line.slice(3).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length) msg.data = JSON.parse(data.join('\n')) as unknown;
    else if (msg.comment !== undefined) msg.event = 'comment';
    messages.push(msg);
  }
  return { messages, rest };
}
