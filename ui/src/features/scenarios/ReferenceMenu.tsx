import type { Step } from "../../api/types";
import { reference, type StepOutput } from "./stepModel";

/** A menu of earlier steps' outputs; picking one hands its `{{steps.…}}` reference to `onPick`. */
export function ReferenceMenu({
  steps,
  outputs,
  label,
  onPick,
}: {
  steps: readonly Step[];
  outputs: readonly StepOutput[];
  label: string;
  onPick: (ref: string) => void;
}) {
  return (
    <select
      className="reference-menu"
      aria-label={label}
      value=""
      disabled={steps.length === 0}
      onChange={(e) => {
        if (e.target.value) onPick(e.target.value);
      }}
    >
      <option value="">{steps.length === 0 ? "No earlier steps" : "From a step…"}</option>
      {steps.map((step) => (
        <optgroup key={step.id} label={`${step.id}: ${step.name}`}>
          {outputs.map((output) => (
            <option key={output} value={reference(step.id, output)}>
              {`${step.id}.${output}`}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}
