import { useEffect, useState } from "react";

import { toIpcError } from "../../api/ipc";
import { probeCatalogue } from "../../api/probes";
import type { IpcError, ProbeInfo } from "../../api/types";

/** The probe catalogue, read once per app session: it only changes with Baton itself. */
let cached: ProbeInfo[] | null = null;

export function useProbeCatalogue() {
  const [probes, setProbes] = useState<ProbeInfo[]>(cached ?? []);
  const [error, setError] = useState<IpcError | null>(null);
  useEffect(() => {
    if (cached) return;
    let stale = false;
    probeCatalogue()
      .then((list) => {
        cached = list;
        if (!stale) setProbes(list);
      })
      .catch((e) => !stale && setError(toIpcError(e)));
    return () => {
      stale = true;
    };
  }, []);
  return { probes, error };
}
