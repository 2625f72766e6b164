import { forwardRef, useImperativeHandle, useRef, type KeyboardEvent } from "react";

export type PolicyEditorHandle = {
  /** Scrolls the line into view without moving the caret. */
  revealLine: (line: number) => void;
  /** Scrolls to the line, focuses the editor and selects the line. */
  goToLine: (line: number) => void;
};

/** The lab policy as TOML in a monospace textarea, with line numbers beside it and the line of
 * a mistake marked. Ctrl+S (⌘S) saves. */
export const PolicyEditor = forwardRef<
  PolicyEditorHandle,
  {
    value: string;
    errorLine: number | null;
    /** The id of the element that says what is wrong, when something is. */
    describedBy?: string;
    onChange: (value: string) => void;
    onSave: () => void;
    label: string;
  }
>(function PolicyEditor({ value, errorLine, describedBy, onChange, onSave, label }, ref) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = value.split("\n").length;

  const reveal = (line: number) => {
    const el = area.current;
    if (!el) return;
    // Put the line a few lines below the top of the view.
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 18;
    el.scrollTop = Math.max(0, (line - 4) * lineHeight);
    if (gutter.current) gutter.current.scrollTop = el.scrollTop;
  };

  useImperativeHandle(ref, () => ({
    revealLine: reveal,
    goToLine(line: number) {
      const el = area.current;
      if (!el) return;
      const starts = [0];
      for (let i = 0; i < el.value.length; i++) if (el.value[i] === "\n") starts.push(i + 1);
      const start = starts[Math.min(line, starts.length) - 1] ?? 0;
      const next = starts[line];
      const end = next === undefined ? el.value.length : next - 1;
      el.focus();
      el.setSelectionRange(start, end);
      reveal(line);
    },
  }));

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
      e.preventDefault();
      onSave();
    }
  };

  return (
    <div className={`policy-editor ${errorLine !== null ? "policy-editor--error" : ""}`}>
      <div className="policy-editor__gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <div key={i} className={i + 1 === errorLine ? "policy-editor__line policy-editor__line--error" : "policy-editor__line"}>
            {i + 1}
          </div>
        ))}
      </div>
      <textarea
        ref={area}
        className="policy-editor__text mono"
        data-testid="lab-policy-editor"
        aria-label={label}
        aria-invalid={errorLine !== null}
        aria-describedby={describedBy}
        aria-keyshortcuts="Control+S Meta+S"
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        wrap="off"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
      />
    </div>
  );
});
