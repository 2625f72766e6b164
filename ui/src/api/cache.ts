import { call } from "./ipc";

/** Forgets the tokens the engine cached for steps with `cache` on (kept across runs within a
 * session); resolves to how many were forgotten. */
export const clearTokenCache = () => call<number>("clear_token_cache");
