import type { ClaimTextDiff, SecondsDiff, TokenDiff, ValuesDiff } from "../../api/types";
import { localDate } from "./time";

function Values({ name, diff }: { name: string; diff: ValuesDiff }) {
  const kept = diff.after.filter((v) => !diff.added.includes(v));
  // Only added: widened. Only removed: narrowed. Both: a different set, neither wider nor narrower.
  const added = diff.added.length > 0;
  const removed = diff.removed.length > 0;
  const verdict = diff.narrowed ? "narrowed" : added && removed ? "changed" : added ? "widened" : removed ? "narrowed" : "same";
  return (
    <tr className={`diff-row diff-row--${verdict}`} data-diff={name}>
      <th scope="row" className="mono">
        {name}
      </th>
      <td>
        {kept.map((v) => (
          <span key={`k-${v}`} className="diff-value diff-value--kept">
            {v}
          </span>
        ))}
        {diff.added.map((v) => (
          <ins key={`a-${v}`} className="diff-value diff-value--added">
            {v}
          </ins>
        ))}
        {diff.removed.map((v) => (
          <del key={`r-${v}`} className="diff-value diff-value--removed">
            {v}
          </del>
        ))}
        {diff.before.length === 0 && diff.after.length === 0 ? <span className="muted">absent in both</span> : null}
      </td>
      <td className={`diff-verdict diff-verdict--${verdict}`}>{verdict}</td>
    </tr>
  );
}

function Text({ name, diff }: { name: string; diff: ClaimTextDiff }) {
  if (diff.before === null && diff.after === null) return null;
  const verdict = diff.preserved ? "preserved" : "changed";
  return (
    <tr className={`diff-row diff-row--${verdict}`} data-diff={name}>
      <th scope="row" className="mono">
        {name}
      </th>
      <td>
        {diff.preserved ? (
          <span className="diff-value diff-value--kept">{diff.after}</span>
        ) : (
          <>
            {diff.before !== null ? <del className="diff-value diff-value--removed">{diff.before}</del> : null}
            {diff.after !== null ? <ins className="diff-value diff-value--added">{diff.after}</ins> : null}
          </>
        )}
      </td>
      <td className={`diff-verdict diff-verdict--${verdict}`}>{verdict}</td>
    </tr>
  );
}

function Seconds({ name, diff, asDate }: { name: string; diff: SecondsDiff; asDate: boolean }) {
  if (diff.before === null && diff.after === null) return null;
  const show = (v: number | null) => (v === null ? "—" : asDate ? localDate(v) : `${v} s`);
  const verdict =
    diff.before === null || diff.after === null ? "changed" : diff.after < diff.before ? "narrowed" : diff.after > diff.before ? "widened" : "same";
  return (
    <tr className={`diff-row diff-row--${verdict}`} data-diff={name}>
      <th scope="row" className="mono">
        {name}
      </th>
      <td>
        {show(diff.before)} → {show(diff.after)}
      </td>
      <td className={`diff-verdict diff-verdict--${verdict}`}>{verdict === "narrowed" ? "shorter" : verdict === "widened" ? "longer" : verdict}</td>
    </tr>
  );
}

/** The issued token against its subject token (computed in Rust): what was narrowed, what was
 * added, what was kept. */
export function TokenDiffView({ diff }: { diff: TokenDiff }) {
  const actVerdict = diff.act_added ? "added" : diff.act.after.join() === diff.act.before.join() ? "same" : "changed";
  return (
    <section className="inspector__section" aria-label="Diff against the subject token">
      <h3>Against the subject token</h3>
      <table className="diff">
        <tbody>
          <Text name="sub" diff={diff.sub} />
          <Values name="aud" diff={diff.aud} />
          <Values name="scope" diff={diff.scope} />
          <Seconds name="exp" diff={diff.exp} asDate />
          <Seconds name="lifetime" diff={diff.lifetime} asDate={false} />
          <tr className={`diff-row diff-row--${actVerdict}`} data-diff="act">
            <th scope="row" className="mono">
              act
            </th>
            <td className="mono">
              {diff.act.before.length > 0 ? <del className="diff-value diff-value--removed">{diff.act.before.join(" ← ")}</del> : null}
              {diff.act.after.length > 0 ? <ins className="diff-value diff-value--added">{diff.act.after.join(" ← ")}</ins> : null}
              {diff.act.before.length === 0 && diff.act.after.length === 0 ? <span className="muted">none</span> : null}
            </td>
            <td className={`diff-verdict diff-verdict--${actVerdict}`}>{actVerdict}</td>
          </tr>
          <Text name="iss" diff={diff.iss} />
          <Text name="client_id" diff={diff.client_id} />
        </tbody>
      </table>
      {diff.other.added.length + diff.other.removed.length + diff.other.changed.length > 0 ? (
        <p className="muted">
          Other claims: {diff.other.added.length > 0 ? `added ${diff.other.added.join(", ")}. ` : ""}
          {diff.other.removed.length > 0 ? `removed ${diff.other.removed.join(", ")}. ` : ""}
          {diff.other.changed.length > 0 ? `changed ${diff.other.changed.join(", ")}.` : ""}
        </p>
      ) : null}
    </section>
  );
}
