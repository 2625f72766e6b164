import type { TokenNode } from "../../api/types";
import { shortIssuer } from "./format";

/** A token card's geometry, in the graph's own units (px at zoom 1). The layout places cards of
 * these sizes, and the CSS draws them the same (styles.css, `.token-node`). */
export const CARD = {
  width: 288,
  /** Every line of text on the card, the step's name included. */
  lineHeight: 18,
  /** The smallest text on a card (keys, values, footer), in px at zoom 1. How far the graph may
   * zoom out and still be read follows from it. */
  minFontPx: 13,
  /** Padding above and below, borders included. */
  padY: 8 + 8 + 2,
  /** Gap between rows (name, fields, footer). */
  rowGap: 2,
  /** Characters of a value per line: the value column is about 201 px of 13 px monospace
   * (7.8 px a character); counted at 8 px so that a browser's font never needs more room. */
  valueChars: 25,
  /** Characters of the step's name (proportional, bold) per line, counted generously. */
  nameChars: 30,
  nameLines: 2,
  /** The footer: the token's type and signature, then its issuer. */
  footLines: 2,
} as const;

export type CardField = {
  key: "sub" | "aud" | "scope" | "act" | "may_act";
  /** The value as it is drawn, already broken into lines between words. */
  lines: string[];
  /** How many items (audiences, scopes) did not fit; the inspector shows them all. */
  more: number;
};

export type CardModel = {
  name: string[];
  fields: CardField[];
  type: string;
  issuer: string;
  verified: boolean | null;
  /** The card's height in the graph's units. */
  height: number;
};

/** The most lines each field may take; the act chain is never cut. */
const MAX_LINES: Record<CardField["key"], number> = { sub: 2, aud: 2, scope: 3, act: Number.POSITIVE_INFINITY, may_act: 2 };

/** Where a word too long for a line may be broken: after these, before the limit. */
const BREAK_AFTER = /[/:.@_\-|,]/;

/** Splits one word that is longer than `width` into pieces, breaking after punctuation where it
 * can (a URL after a `/`), else at the width. */
export function breakWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = word;
  while (rest.length > width) {
    let cut = width;
    for (let i = width - 1; i >= Math.ceil(width / 2); i--) {
      if (BREAK_AFTER.test(rest[i] ?? "")) {
        cut = i + 1;
        break;
      }
    }
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}

/** Packs items into lines of at most `width` characters. Items are joined by `sep` (its
 * trailing space is where a line may end); an item is only broken when it is longer than a line
 * by itself. */
export function packLines(items: readonly string[], sep: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  items.forEach((item, i) => {
    const last = i === items.length - 1;
    // The separator stays with the item before it ("flight-agent ←", "a,"), without its space.
    const word = last ? item : item + sep.trimEnd();
    const joiner = line === "" ? "" : sep.endsWith(" ") ? " " : "";
    if (line !== "" && line.length + joiner.length + word.length <= width) {
      line += joiner + word;
      return;
    }
    if (line !== "") lines.push(line);
    const pieces = breakWord(word, width);
    line = pieces.pop() ?? "";
    lines.push(...pieces);
  });
  if (line !== "") lines.push(line);
  return lines;
}

/** A list field: as many whole items as fit in `max` lines, and how many more there are. */
function listField(key: CardField["key"], items: readonly string[], sep: string, width: number): CardField | null {
  if (items.length === 0) return null;
  const max = MAX_LINES[key];
  const all = packLines(items, sep, width);
  if (all.length <= max) return { key, lines: all, more: 0 };
  // Fewer items until they fit with room for "+N more" on a line of its own.
  for (let shown = items.length - 1; shown >= 1; shown--) {
    const lines = packLines(items.slice(0, shown), sep, width);
    if (lines.length <= max - 1) return { key, lines, more: items.length - shown };
  }
  // One item longer than the lines allowed: its start, cut at a line, then the count.
  const first = packLines(items.slice(0, 1), sep, width).slice(0, Math.max(1, max - 1));
  first[first.length - 1] += "…";
  return { key, lines: first, more: items.length - 1 };
}

/** A single value (sub, may_act): broken into lines, the end marked "…" when it is cut. */
function valueField(key: CardField["key"], value: string | null, width: number): CardField | null {
  if (value === null || value === "") return null;
  const lines = packLines(value.split(/\s+/).filter(Boolean), " ", width);
  const max = MAX_LINES[key];
  if (lines.length <= max) return { key, lines, more: 0 };
  const kept = lines.slice(0, max);
  kept[max - 1] = `${kept[max - 1]!.slice(0, width - 1)}…`;
  return { key, lines: kept, more: 0 };
}

/** What a token's card shows, line by line, and how tall it is. Nothing is dropped without a
 * mark: a cut value ends in "…", a cut list says "+N more", and the card opens the inspector. */
export function cardModel(t: TokenNode): CardModel {
  const w = CARD.valueChars;
  const fields = [
    valueField("sub", t.sub, w),
    listField("aud", t.aud, ", ", w),
    listField("scope", t.scope, " ", w),
    // The whole chain, the current actor first: it is what the graph is for.
    t.act_chain.length > 0 ? { key: "act" as const, lines: packLines(t.act_chain, " ← ", w), more: 0 } : null,
    valueField("may_act", t.may_act, w),
  ].filter((f): f is CardField => f !== null);
  const nameAll = packLines(t.step_name.split(/\s+/).filter(Boolean), " ", CARD.nameChars);
  const name = nameAll.length <= CARD.nameLines ? nameAll : [...nameAll.slice(0, CARD.nameLines - 1), `${nameAll[CARD.nameLines - 1]}…`];
  const lines = name.length + fields.reduce((n, f) => n + f.lines.length + (f.more > 0 ? 1 : 0), 0) + CARD.footLines;
  const rows = 1 + fields.length + 1;
  return {
    name,
    fields,
    type: t.opaque ? "opaque" : (t.token_type ?? "token"),
    issuer: shortIssuer(t.issuer) ?? "",
    verified: t.verified,
    height: CARD.padY + lines * CARD.lineHeight + (rows - 1) * CARD.rowGap,
  };
}
