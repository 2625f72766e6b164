import "./sidebar.css";

import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";

import type { WorkspaceApi } from "../../app/useWorkspace";
import { Menu, MenuButton, type MenuAnchor, type MenuItem } from "../../shared/Menu";
import { useToast } from "../../shared/Toast";
import { CollectionToolbar } from "./CollectionToolbar";
import { RenameInput } from "./RenameInput";
import { collectionMenuItems, scenarioMenuItems } from "./rowMenus";
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
  onOpenEnvironments: (name: string) => void;
  onRunCollection?: (name: string) => void;
};

type ContextMenu = { label: string; items: MenuItem[]; anchor: MenuAnchor; row: HTMLElement | null };

/** Collections and their scenarios as a tree (WAI-ARIA tree pattern: one tab stop, arrows move,
 * Right/Left open and close, Enter opens), New collection and Import above it, and each row's
 * actions in its “⋯” menu and its context menu (right click, Shift+F10). A click on a collection
 * opens it; only its chevron (or Left) closes it. */
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
  const [contextMenu, setContextMenu] = useState<ContextMenu | null>(null);
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
      if (!item.expanded) void setOpen(item.collection, true);
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
      case "ContextMenu":
        openContextMenu(item, { element: rows.current.get(item.key)?.querySelector<HTMLElement>(".tree__label") ?? e.currentTarget });
        break;
      case "F10":
        if (e.shiftKey) openContextMenu(item, { element: rows.current.get(item.key)?.querySelector<HTMLElement>(".tree__label") ?? e.currentTarget });
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

  const collectionItems = (name: string) =>
    collectionMenuItems({
      newScenario: () => {
        onSelectCollection(name);
        void scenarioActions.create(name);
      },
      runCollection: onRunCollection ? () => onRunCollection(name) : undefined,
      environments: () => onOpenEnvironments(name),
      rename: () => {
        onSelectCollection(name);
        setFocusKey(collectionKey(name));
        setRenaming(name);
      },
      duplicate: async () => {
        const copy = await ws.duplicate(name);
        if (copy) {
          onSelectCollection(copy);
          setFocusKey(collectionKey(copy));
        }
      },
      exportFile: async () => {
        const path = await ws.exportFile(name);
        if (path) toast.show(`Exported “${name}” to ${path}`);
      },
      remove: () => void onDelete(name),
    });

  const scenarioItems = (collection: string, id: string) =>
    scenarioMenuItems({
      open: () => onOpenScenario(collection, id),
      rename: () => {
        setFocusKey(scenarioKey(collection, id));
        setRenamingScenario(scenarioKey(collection, id));
      },
      duplicate: () => void scenarioActions.duplicate(collection, id),
      remove: () => void scenarioActions.remove(collection, id),
    });

  const menuLabel = (item: TreeItem) =>
    item.kind === "collection"
      ? `Actions for “${item.collection}”`
      : `Actions for scenario “${ws.collections[item.collection]?.scenarios?.find((s) => s.id === item.scenarioId)?.name ?? item.scenarioId}”`;

  function openContextMenu(item: TreeItem, anchor: MenuAnchor) {
    setFocusKey(item.key);
    setContextMenu({
      label: menuLabel(item),
      items: item.kind === "collection" ? collectionItems(item.collection) : scenarioItems(item.collection, item.scenarioId),
      anchor,
      row: rows.current.get(item.key) ?? null,
    });
  }

  const onRowContextMenu = (item: TreeItem) => (e: MouseEvent<HTMLElement>) => {
    // A scenario's row is inside its collection's: only the innermost row answers.
    e.preventDefault();
    e.stopPropagation();
    if (renaming || renamingScenario) return;
    openContextMenu(item, { x: e.clientX, y: e.clientY });
  };

  const register = (key: string) => (el: HTMLElement | null) => {
    if (el) rows.current.set(key, el);
    else rows.current.delete(key);
  };

  return (
    <nav className="sidebar" aria-label="Workspace">
      <CollectionToolbar
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
        importing={ws.importing}
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
          const item: TreeItem = { key, kind: "collection", collection: summary.name, expanded: open };
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
                activate(item);
              }}
              onContextMenu={onRowContextMenu(item)}
            >
              <div className={`tree__row ${activeCollection === summary.name ? "tree__row--current" : ""}`}>
                <span
                  className="tree__twisty"
                  aria-hidden="true"
                  title={open ? "Close" : "Open"}
                  onClick={(e) => {
                    e.stopPropagation();
                    setFocusKey(key);
                    void setOpen(summary.name, !open);
                  }}
                >
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
                <MenuButton
                  label={menuLabel(item)}
                  items={collectionItems(summary.name)}
                  className="menu-button tree__menu"
                  tabIndex={tabStop === key ? 0 : -1}
                  title="Actions"
                >
                  ⋯
                </MenuButton>
              </div>
              {open ? (
                <ul role="group">
                  {scenarios.map((scenario) => {
                    const skey = scenarioKey(summary.name, scenario.id);
                    const current = activeCollection === summary.name && activeScenario === scenario.id;
                    const sitem: TreeItem = { key: skey, kind: "scenario", collection: summary.name, scenarioId: scenario.id };
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
                          activate(sitem);
                        }}
                        onContextMenu={onRowContextMenu(sitem)}
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
                          <MenuButton
                            label={`Actions for scenario “${scenario.name}”`}
                            items={scenarioItems(summary.name, scenario.id)}
                            className="menu-button tree__menu"
                            tabIndex={tabStop === skey ? 0 : -1}
                            title="Actions"
                          >
                            ⋯
                          </MenuButton>
                        </div>
                      </li>
                    );
                  })}
                  {scenarios.length === 0 ? (
                    <li className="muted tree__none">
                      No scenarios.{" "}
                      <button
                        type="button"
                        className="button--link"
                        onClick={(e) => {
                          e.stopPropagation();
                          onSelectCollection(summary.name);
                          void scenarioActions.create(summary.name);
                        }}
                      >
                        Add one
                      </button>
                    </li>
                  ) : null}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ul>
      {contextMenu ? (
        <Menu
          label={contextMenu.label}
          items={contextMenu.items}
          anchor={contextMenu.anchor}
          returnFocus={contextMenu.row}
          onClose={() => setContextMenu(null)}
        />
      ) : null}
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
