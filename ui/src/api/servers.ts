import { call } from "./ipc";
import type { DiscoveryView } from "./types";

export const discover = (issuer: string) => call<DiscoveryView>("discover", { issuer });
