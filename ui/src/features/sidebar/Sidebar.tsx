import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";

import type { WorkspaceApi } from "../../app/useWorkspace";
import { useToast } from "../../shared/Toast";
import { CollectionToolbar } from "./CollectionToolbar";
import { RenameInput } from "./RenameInput";
import { ScenarioToolbar } from "./ScenarioToolbar";
import { collectionKey, scenarioKey, visibleItems, type TreeItem } from "./treeItems";
import { useScenarioActions } from "./useScenarioActions";

type Props = {
  ws: WorkspaceApi;
  activeCollection: string | null;
  activeScenario: string | null;
  onSelectCollection: (name: string | null) => void;
  onOpenScenario: (collection: string, scenarioId: string) => void;
  onOpenServers: () => void;
  onOpenLab?: () => void;
  /** Opens the Probe view of the selected collection's probed server; absent with no collection. */
  onOpenProbe?: () => void;
  onOpenEnvironments: () => void;
  onRunCollection?: (name: string) => void;
};

/** Collections and their scenarios as a tree (WAI-ARIA tree pattern: one tab stop, arrows move,
 * Right/Left open and close, Enter opens), with the collection actions above it. */
export function Sidebar({
  ws,
  activeCollection,
  activeScenario,
  onSelectCollection,
  onOpenScenario,
  onOpenServers,
  onOpenLab,
  onOpenProbe,
  onOpenEnvironments,
  onRunCollection,
}: Props) {
  const toast = useToast();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [renamingScenario, setRenamingScenario] = useState<string | null>(null);
  const rows = useRef(new Map<string, HTMLElement>());
  const moveFocus = useRef(false);

  const summaries = useMemo(() => ws.workspace?.collections ?? [], [ws.workspace]);
  const items = useMemo(() => visibleItems(summaries, expanded, ws.collections), [summaries, expanded, ws.collections]);
  const tabStop = items.some((i) => i.key === focusKey) ? focusKey : (items[0]?.key ?? null);

  useEffect(() => {
    if (!moveFocus.current || !focusKey) return;
    moveFocus.current = false;
    rows.current.get(focusKey)?.focus();
  }, [focusKey, items]);

  const focus = (key: string) => {
    moveFocus.current = true;
    setFocusKey(key);
  };

  const setOpen = useCallback(
    async (name: string, open: boolean) => {
      if (open && !ws.collections[name]) {
        if (!(await ws.open(name))) return;
      }
      setExpanded((prev) => {
        const next = new Set(prev);
        if (open) next.add(name);
        else next.delete(name);
        return next;
      });
    },
    [ws],
  );

  const scenarioActions = useScenarioActions(ws, (collection, scenarioId, open) => {
    setExpanded((prev) => new Set(prev).add(collection));
    focus(scenarioKey(collection, scenarioId));
    if (open) onOpenScenario(collection, scenarioId);
  });

  // A fresh start (the built-in collections: the demo first) or a workspace of one collection
  // opens with the demo's (or that one's) scenarios showing, so a newcomer sees what to run at once.
  const openedOnly = useRef(false);
  const opens = ws.workspace?.opens;
  useEffect(() => {
    const first = (opens ? summaries.find((s) => s.name === opens) : undefined) ?? (summaries.length === 1 ? summaries[0] : undefined);
    if (openedOnly.current || !first) return;
    openedOnly.current = true;
    void setOpen(first.name, true);
  }, [summaries, setOpen, opens]);

  const activate = (item: TreeItem) => {
    setFocusKey(item.key);
    if (item.kind === "collection") {
      onSelectCollection(item.collection);
      void setOpen(item.collection, !item.expanded);
    } else {
      onOpenScenario(item.collection, item.scenarioId);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const index = items.findIndex((i) => i.key === tabStop);
    const item = items[index];
    if (!item) return;
    let handled = true;
    switch (e.key) {
      case "ArrowDown": {
        const next = items[index + 1];
        if (next) focus(next.key);
        break;
      }
      case "ArrowUp": {
        const prev = items[index - 1];
        if (prev) focus(prev.key);
        break;
      }
      case "Home":
        if (items[0]) focus(items[0].key);
        break;
      case "End": {
        const last = items[items.length - 1];
        if (last) focus(last.key);
        break;
      }
      case "ArrowRight":
        if (item.kind === "collection") {
          if (!item.expanded) void setOpen(item.collection, true);
          else if (items[index + 1]?.kind === "scenario") focus(items[index + 1]!.key);
        }
        break;
      case "ArrowLeft":
        if (item.kind === "scenario") focus(collectionKey(item.collection));
        else if (item.expanded) void setOpen(item.collection, false);
        break;
      case "Enter":
      case " ":
        activate(item);
        break;
      case "F2":
        if (item.kind === "collection") setRenaming(item.collection);
        else setRenamingScenario(item.key);
        break;
      case "Delete":
        if (item.kind === "scenario") void scenarioActions.remove(item.collection, item.scenarioId);
        else handled = false;
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  const onDelete = async (name: string) => {
    const deleted = await ws.remove(name);
    if (!deleted) return;
    if (activeCollection === name) onSelectCollection(null);
    toast.show(`Deleted “${name}”`, {
      label: "Undo",
      run: () => {
        void ws.save(deleted).then((ok) => ok && toast.show(`Restored “${name}”`));
      },
    });
  };

  const onRename = async (from: string, to: string) => {
    setRenaming(null);
    const wasOpen = expanded.has(from);
    if (!(await ws.rename(from, to))) return;
    if (activeCollection === from) onSelectCollection(to);
    setFocusKey(collectionKey(to));
    if (wasOpen) {
      setExpanded((prev) => new Set([...prev].filter((n) => n !== from)));
      void setOpen(to, true);
    }
  };

  const register = (key: string) => (el: HTMLElement | null) => {
    if (el) rows.current.set(key, el);
    else rows.current.delete(key);
  };

  return (
    <nav className="sidebar" aria-label="Workspace">
      <CollectionToolbar
        selected={activeCollection}
        onCreate={async () => {
          const name = await ws.create();
          if (name) {
            onSelectCollection(name);
            setFocusKey(collectionKey(name));
            setRenaming(name);
          }
        }}
        onImport={async () => {
          const name = await ws.importFile();
          if (name) {
            onSelectCollection(name);
            toast.show(`Imported “${name}”`);
          }
        }}
        onRename={(name) => setRenaming(name)}
        onDuplicate={async (name) => {
          const copy = await ws.duplicate(name);
          if (copy) {
            onSelectCollection(copy);
            setFocusKey(collectionKey(copy));
          }
        }}
        onExport={async (name) => {
          const path = await ws.exportFile(name);
          if (path) toast.show(`Exported “${name}” to ${path}`);
        }}
        onDelete={onDelete}
        onEnvironments={onOpenEnvironments}
        onRunCollection={onRunCollection}
        importing={ws.importing}
      />
      <ScenarioToolbar
        collection={activeCollection}
        scenario={
          (activeCollection && activeScenario
            ? ws.collections[activeCollection]?.scenarios?.find((s) => s.id === activeScenario)
            : null) ?? null
        }
        onCreate={() => activeCollection && void scenarioActions.create(activeCollection)}
        onRename={(id) => {
          if (!activeCollection) return;
          setExpanded((prev) => new Set(prev).add(activeCollection));
          setRenamingScenario(scenarioKey(activeCollection, id));
        }}
        onDuplicate={(id) => activeCollection && void scenarioActions.duplicate(activeCollection, id)}
        onDelete={(id) => activeCollection && void scenarioActions.remove(activeCollection, id)}
      />
      <h2 className="sidebar__heading" id="collections-heading">
        Collections
      </h2>
      {summaries.length === 0 && ws.workspace ? (
        <p className="muted sidebar__empty">No collections yet. Create one or import a file.</p>
      ) : null}
      <ul className="tree" role="tree" aria-labelledby="collections-heading" onKeyDown={onKeyDown}>
        {summaries.map((summary) => {
          const key = collectionKey(summary.name);
          const open = expanded.has(summary.name);
          const scenarios = ws.collections[summary.name]?.scenarios ?? [];
          return (
            <li
              key={key}
              ref={register(key)}
              role="treeitem"
              aria-expanded={open}
              aria-selected={activeCollection === summary.name && activeScenario === null}
              tabIndex={tabStop === key ? 0 : -1}
              className="tree__item"
              onFocus={(e) => e.target === e.currentTarget && setFocusKey(key)}
              onClick={(e) => {
                e.stopPropagation();
                activate({ key, kind: "collection", collection: summary.name, expanded: open });
              }}
            >
              <div className={`tree__row ${activeCollection === summary.name ? "tree__row--current" : ""}`}>
                <span className="tree__twisty" aria-hidden="true">
                  {open ? "▾" : "▸"}
                </span>
                {renaming === summary.name ? (
                  <RenameInput
                    initial={summary.name}
                    onCommit={(to) => void onRename(summary.name, to)}
                    onCancel={() => {
                      setRenaming(null);
                      focus(key);
                    }}
                  />
                ) : (
                  <span className="tree__label">{summary.name}</span>
                )}
                <span className="tree__count" aria-label={`${summary.scenario_count} scenarios`}>
                  {summary.scenario_count}
                </span>
              </div>
              {open ? (
                <ul role="group">
                  {scenarios.map((scenario) => {
                    const skey = scenarioKey(summary.name, scenario.id);
                    const current = activeCollection === summary.name && activeScenario === scenario.id;
                    return (
                      <li
                        key={skey}
                        ref={register(skey)}
                        role="treeitem"
                        aria-selected={current}
                        tabIndex={tabStop === skey ? 0 : -1}
                        className="tree__item"
                        onFocus={(e) => e.target === e.currentTarget && setFocusKey(skey)}
                        onClick={(e) => {
                          e.stopPropagation();
                          activate({ key: skey, kind: "scenario", collection: summary.name, scenarioId: scenario.id });
                        }}
                      >
                        <div className={`tree__row tree__row--leaf ${current ? "tree__row--current" : ""}`}>
                          {renamingScenario === skey ? (
                            <RenameInput
                              initial={scenario.name}
                              label="Scenario name"
                              onCommit={(to) => {
                                setRenamingScenario(null);
                                focus(skey);
                                void scenarioActions.rename(summary.name, scenario.id, to);
                              }}
                              onCancel={() => {
                                setRenamingScenario(null);
                                focus(skey);
                              }}
                            />
                          ) : (
                            <span className="tree__label">{scenario.name}</span>
                          )}
                        </div>
                      </li>
                    );
                  })}
                  {scenarios.length === 0 ? <li className="muted tree__none">No scenarios</li> : null}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ul>
      <div className="sidebar__footer">
        <button type="button" className="button button--quiet" onClick={onOpenServers}>
          Servers…
        </button>
        {onOpenLab ? (
          <button type="button" className="button button--quiet" onClick={onOpenLab}>
            Lab…
          </button>
        ) : null}
        <button
          type="button"
          className="button button--quiet"
          onClick={onOpenProbe}
          disabled={!onOpenProbe}
          title={onOpenProbe ? "Probe a server of the collection: what it must refuse, and how it answers" : "Select a collection to probe its servers"}
        >
          Probe…
        </button>
        {ws.workspace ? (
          <p className="muted sidebar__lab" title={ws.workspace.lab.issuer}>
            Lab token service at <code>{ws.workspace.lab.base_url}</code>
          </p>
        ) : null}
      </div>
    </nav>
  );
}
