import { call } from "./ipc";
import type { SecretsView } from "./types";

/** The secrets' names and where each is kept; values never cross to the UI. */
export const listSecrets = () => call<SecretsView>("list_secrets");

/** Keeps a secret in the OS keyring when there is one, else in Baton's store. */
export const setSecret = (name: string, value: string) => call<SecretsView>("set_secret", { name, value });

export const deleteSecret = (name: string) => call<SecretsView>("delete_secret", { name });
