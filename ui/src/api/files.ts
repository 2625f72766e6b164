import { open, save } from "@tauri-apps/plugin-dialog";

import { call } from "./ipc";
import type { CollectionSummary } from "./types";

export const importCollection = (path: string) =>
  call<CollectionSummary>("import_collection", { path });

export const exportCollection = (name: string, path: string) =>
  call<null>("export_collection", { name, path });

const FILTERS = [{ name: "Baton collection", extensions: ["toml"] }];

/** Asks for a collection file; `null` when the user cancels. */
export async function pickFileToImport(): Promise<string | null> {
  const picked = await open({ multiple: false, directory: false, filters: FILTERS });
  return typeof picked === "string" ? picked : null;
}

/** Asks where to write a collection file; `null` when the user cancels. */
export async function pickFileToExport(name: string): Promise<string | null> {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "collection";
  return save({ defaultPath: `${slug}.baton.toml`, filters: FILTERS });
}
