import { useRef } from "react";

import type { Collection } from "../../api/types";
import { useToast } from "../../shared/Toast";
import { addEnvironment, removeEnvironment, replaceEnvironment, restoreEnvironment } from "./environmentEdits";
import { EnvironmentEditor } from "./EnvironmentEditor";

type Props = { collection: Collection; onSaveCollection: (collection: Collection) => Promise<boolean> };

/** The environments of a collection: the values of `{{env.NAME}}`; each change saves the
 * collection. */
export function EnvironmentPanel({ collection, onSaveCollection }: Props) {
  const toast = useToast();
  // Undo runs later, against the collection as it is then.
  const latest = useRef(collection);
  latest.current = collection;
  const environments = collection.environments ?? [];

  const remove = async (index: number) => {
    const environment = environments[index];
    if (!environment || !(await onSaveCollection(removeEnvironment(collection, index)))) return;
    toast.show(`Deleted environment “${environment.name}”`, {
      label: "Undo",
      run: () => {
        void onSaveCollection(restoreEnvironment(latest.current, environment, index)).then(
          (ok) => ok && toast.show(`Restored environment “${environment.name}”`),
        );
      },
    });
  };

  return (
    <div className="environments">
      <h1>Environments of “{collection.name}”</h1>
      <p className="muted environments__hint">
        Values here are saved in plain text in the collection and used as <code>{"{{env.NAME}}"}</code>. Never put a
        secret here: refer to it as <code>{"{{secret.NAME}}"}</code> instead.
      </p>
      <button type="button" className="button" onClick={() => void onSaveCollection(addEnvironment(collection))}>
        Add environment
      </button>
      {environments.length === 0 ? <p className="muted">No environments yet.</p> : null}
      {environments.map((environment, index) => (
        <EnvironmentEditor
          key={environment.name}
          environment={environment}
          otherNames={environments.filter((_, i) => i !== index).map((e) => e.name)}
          onSave={(next) => onSaveCollection(replaceEnvironment(collection, index, next))}
          onDelete={() => void remove(index)}
        />
      ))}
    </div>
  );
}
