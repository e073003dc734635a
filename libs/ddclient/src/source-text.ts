import type { SourcePosition } from './ddclient-document.js';

/** Text with the file offset of each of its characters, so positions survive comment removal and joined lines. */
export type MappedText = { readonly text: string; readonly offsets: readonly number[] };

export function mapped(text: string, offsets: readonly number[]): MappedText {
  return { text, offsets };
}

export function sliceMapped(source: MappedText, start: number, end = source.text.length): MappedText {
  return { text: source.text.slice(start, end), offsets: source.offsets.slice(start, end) };
}

export function joinMapped(...parts: MappedText[]): MappedText {
  return { text: parts.map((p) => p.text).join(''), offsets: parts.flatMap((p) => p.offsets) };
}

/** Turns file offsets into line and column numbers. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.starts.push(i + 1);
  }

  position(offset: number): SourcePosition {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }
}

/** Physical lines with the offset each starts at; `\r\n` and `\n` both end a line, as for ddclient. */
export function physicalLines(text: string): MappedText[] {
  const lines: MappedText[] = [];
  let start = 0;
  for (const raw of text.split('\n')) {
    const body = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    lines.push({ text: body, offsets: Array.from({ length: body.length }, (_, i) => start + i) });
    start += raw.length + 1;
  }
  if (text.endsWith('\n')) lines.pop();
  return lines;
}
