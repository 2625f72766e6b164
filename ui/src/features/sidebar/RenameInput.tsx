import { useState } from "react";

/** The inline editor of a collection's or scenario's name: Enter saves, Escape (or leaving) cancels. */
export function RenameInput({
  initial,
  label = "Collection name",
  onCommit,
  onCancel,
}: {
  initial: string;
  label?: string;
  onCommit: (name: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  return (
    <input
      className="rename-input"
      aria-label={label}
      autoFocus
      value={value}
      onChange={(e) => setValue(e.target.value)}
      onFocus={(e) => e.target.select()}
      onBlur={onCancel}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === "Enter") {
          const name = value.trim();
          if (name && name !== initial) onCommit(name);
          else onCancel();
        } else if (e.key === "Escape") {
          onCancel();
        }
      }}
    />
  );
}
