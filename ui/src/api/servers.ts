import { call } from "./ipc";
import type { ConnectionReport, DiscoveryView } from "./types";

export const discover = (issuer: string) => call<DiscoveryView>("discover", { issuer });

export const testConnection = (collection: string, serverId: string, environment: string | null) =>
  call<ConnectionReport>("test_connection", { collection, serverId, environment });
