import { useId, useState } from "react";
import type { Step } from "../../api/types";

/** The most calls of a repeated step, and the most at once (as the engine bounds them). */
export const MAX_REPEAT_TIMES = 10_000;
export const MAX_REPEAT_CONCURRENCY = 64;

/** How a step that sends a token request makes it: from the token cache or not, once or
 * repeated. Left empty, the step is sent once and follows the scenario's cache setting. */
export function CallsFields({ step, onChange }: { step: Step; onChange: (step: Step) => void }) {
  const id = useId();
  const times = step.repeat?.times;
  // Kept while the times field is cleared and typed again.
  const [concurrency, setConcurrency] = useState(step.repeat?.concurrency ?? 1);
  const setRepeat = (t: number | null, c: number) => {
    setConcurrency(c);
    onChange({ ...step, repeat: t === null ? undefined : { times: t, concurrency: c } });
  };
  const whole = (text: string) => (text.trim() === "" ? null : Math.trunc(Number(text)));
  return (
    <fieldset className="calls-fields">
      <legend>Calls</legend>
      <div className="field field--inline">
        <input
          id={`${id}-cache`}
          type="checkbox"
          checked={step.cache === true}
          onChange={(e) => onChange({ ...step, cache: e.target.checked ? true : undefined })}
        />
        <label htmlFor={`${id}-cache`}>cache: answer from the token cache until 30 s before the token's exp</label>
      </div>
      <div className="field-grid">
        <div className="field">
          <label htmlFor={`${id}-times`}>repeat times</label>
          <input
            id={`${id}-times`}
            type="number"
            min={1}
            max={MAX_REPEAT_TIMES}
            placeholder="once"
            value={times ?? ""}
            onChange={(e) => setRepeat(whole(e.target.value), concurrency)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-concurrency`}>at once</label>
          <input
            id={`${id}-concurrency`}
            type="number"
            min={1}
            max={MAX_REPEAT_CONCURRENCY}
            disabled={times === undefined}
            value={concurrency}
            onChange={(e) => setRepeat(times ?? null, whole(e.target.value) ?? 1)}
          />
        </div>
      </div>
    </fieldset>
  );
}

/** What is wrong with the step's repeat, in the words the engine would use; empty when nothing. */
export function repeatProblems(step: Step): string[] {
  const r = step.repeat;
  if (!r) return [];
  const problems: string[] = [];
  if (!Number.isInteger(r.times) || r.times < 1 || r.times > MAX_REPEAT_TIMES)
    problems.push(`repeat times must be 1 to ${MAX_REPEAT_TIMES}`);
  if (!Number.isInteger(r.concurrency) || r.concurrency < 1 || r.concurrency > MAX_REPEAT_CONCURRENCY)
    problems.push(`repeat at once must be 1 to ${MAX_REPEAT_CONCURRENCY}`);
  return problems;
}
