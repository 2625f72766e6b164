import { useState } from "react";

import type { Environment } from "../../api/types";
import { useUnsavedGuard } from "../../app/unsavedChanges";
import { environmentFrom, rowsOf, type VariableRow } from "./environmentEdits";
import { VariableRows } from "./VariableRows";

type Props = {
  environment: Environment;
  otherNames: string[];
  onSave: (environment: Environment) => Promise<boolean>;
  onDelete: () => void;
};

/** One environment: its name and variables, edited here and saved together. */
export function EnvironmentEditor({ environment, otherNames, onSave, onDelete }: Props) {
  const [name, setName] = useState(environment.name);
  const [rows, setRows] = useState<VariableRow[]>(() => rowsOf(environment));
  const [nextKey, setNextKey] = useState(rows.length);
  const [problem, setProblem] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  useUnsavedGuard(dirty, `the environment “${environment.name}”`);

  const edit = (next: VariableRow[]) => {
    setRows(next);
    setDirty(true);
  };

  const save = async () => {
    const result = environmentFrom(name, rows, otherNames);
    if ("problem" in result) {
      setProblem(result.problem);
      return;
    }
    setProblem(null);
    if (await onSave(result.environment)) setDirty(false);
  };

  return (
    <section className="environment" aria-label={`Environment ${environment.name}`}>
      <div className="environment__head">
        <label className="inline-field">
          Name{" "}
          <input
            value={name}
            aria-label={`Name of environment ${environment.name}`}
            onChange={(e) => {
              setName(e.target.value);
              setDirty(true);
            }}
          />
        </label>
        <span className="toolbar__spacer" />
        <button type="button" className="button button--small button--primary" disabled={!dirty} onClick={() => void save()}>
          Save
        </button>
        <button type="button" className="button button--small button--danger" onClick={onDelete} aria-label={`Delete environment ${environment.name}`}>
          Delete
        </button>
      </div>
      <VariableRows rows={rows} onChange={edit} />
      <button
        type="button"
        className="button button--small"
        onClick={() => {
          edit([...rows, { key: nextKey, name: "", value: "" }]);
          setNextKey(nextKey + 1);
        }}
      >
        Add variable
      </button>
      {problem ? (
        <p className="environment__problem" role="alert">
          {problem}
        </p>
      ) : null}
    </section>
  );
}
