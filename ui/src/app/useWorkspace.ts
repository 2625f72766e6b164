import { useCallback, useEffect, useRef, useState } from "react";

import {
  deleteCollection,
  duplicateCollection,
  loadCollection,
  loadWorkspace,
  renameCollection,
  saveCollection,
} from "../api/collections";
import { chooseFile, exportCollection, importCollection } from "../api/files";
import { toIpcError } from "../api/ipc";
import type { Collection, IpcError, Workspace } from "../api/types";
import { uniqueName } from "./uniqueName";

export type WorkspaceApi = ReturnType<typeof useWorkspace>;

/** The workspace as the store has it: the collection list, the collections opened so far, and
 * the last command's failure. Every change goes through a command, then re-reads the list. */
export function useWorkspace() {
  const [workspace, setWorkspace] = useState<Workspace | null>(null);
  const [collections, setCollections] = useState<Record<string, Collection>>({});
  const [error, setError] = useState<IpcError | null>(null);
  const [importing, setImporting] = useState(false);
  const names = useRef<string[]>([]);

  const attempt = useCallback(async <T,>(work: () => Promise<T>): Promise<T | null> => {
    try {
      const result = await work();
      setError(null);
      return result;
    } catch (e) {
      setError(toIpcError(e));
      return null;
    }
  }, []);

  const refresh = useCallback(async () => {
    const ws = await attempt(loadWorkspace);
    if (ws) {
      names.current = ws.collections.map((c) => c.name);
      setWorkspace(ws);
    }
  }, [attempt]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const forget = (name: string) =>
    setCollections((all) => {
      const { [name]: _gone, ...rest } = all;
      return rest;
    });

  const open = useCallback(
    async (name: string) => {
      const collection = await attempt(() => loadCollection(name));
      if (collection) setCollections((all) => ({ ...all, [name]: collection }));
      return collection;
    },
    [attempt],
  );

  const save = useCallback(
    async (collection: Collection) => {
      const saved = await attempt(() => saveCollection(collection));
      if (!saved) return false;
      setCollections((all) => ({ ...all, [collection.name]: collection }));
      await refresh();
      return true;
    },
    [attempt, refresh],
  );

  const create = useCallback(async () => {
    const name = uniqueName("Untitled collection", names.current);
    const saved = await attempt(() => saveCollection({ name }));
    if (!saved) return null;
    setCollections((all) => ({ ...all, [name]: { name } }));
    await refresh();
    return name;
  }, [attempt, refresh]);

  const rename = useCallback(
    async (from: string, to: string) => {
      const saved = await attempt(() => renameCollection(from, to));
      if (!saved) return false;
      forget(from);
      await refresh();
      return true;
    },
    [attempt, refresh],
  );

  const duplicate = useCallback(
    async (from: string) => {
      const to = uniqueName(`${from} copy`, names.current);
      const saved = await attempt(() => duplicateCollection(from, to));
      if (!saved) return null;
      await refresh();
      return to;
    },
    [attempt, refresh],
  );

  /** Deletes a collection and resolves to what was deleted, for Undo. */
  const remove = useCallback(
    async (name: string) => {
      const deleted = await attempt(() => deleteCollection(name));
      if (!deleted) return null;
      forget(name);
      await refresh();
      return deleted;
    },
    [attempt, refresh],
  );

  const importFile = useCallback(async () => {
    const chosen = await attempt(() => chooseFile("import_collection"));
    if (!chosen) return null;
    setImporting(true);
    const summary = await attempt(() => importCollection(chosen.grant)).finally(() => setImporting(false));
    if (!summary) return null;
    forget(summary.name);
    await refresh();
    return summary.name;
  }, [attempt, refresh]);

  const exportFile = useCallback(
    async (name: string) => {
      const chosen = await attempt(() => chooseFile("export_collection", name));
      if (!chosen) return null;
      const done = await attempt(async () => {
        await exportCollection(name, chosen.grant);
        return true;
      });
      return done ? chosen.path : null;
    },
    [attempt],
  );

  return {
    workspace,
    collections,
    error,
    /** A collection file is being imported. */
    importing,
    setError,
    clearError: useCallback(() => setError(null), []),
    refresh,
    open,
    save,
    create,
    rename,
    duplicate,
    remove,
    importFile,
    exportFile,
  };
}
