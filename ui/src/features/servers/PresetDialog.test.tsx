import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it } from "vitest";

import type { Collection, FilledPreset, IpcError, PresetInfo } from "../../api/types";
import { PresetDialog } from "./PresetDialog";

const keycloak: PresetInfo = {
  id: "keycloak",
  name: "Keycloak (standard token exchange V2)",
  description: "Internal-to-internal exchange in one realm.",
  parameters: [
    { name: "base_url", kind: "url", description: "Where Keycloak is served", example: "https://sso.example.com" },
    { name: "realm", kind: "segment", description: "The realm's name", example: "myrealm" },
  ],
  sources: ["https://www.keycloak.org/securing-apps/token-exchange"],
  verified: false,
  rules: { grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", actor: "undocumented", auth_note: "Public clients are not allowed to exchange tokens." },
};

const filled: FilledPreset = {
  server: {
    id: "keycloak",
    name: "Keycloak (standard token exchange V2)",
    issuer: "https://sso.example.com/realms/shop",
    token_endpoint: "https://sso.example.com/realms/shop/protocol/openid-connect/token",
    jwks_uri: "https://sso.example.com/realms/shop/protocol/openid-connect/certs",
    introspection_endpoint: null,
    authorization_endpoint: null,
    device_authorization_endpoint: null,
  },
  discoveryUrl: "https://sso.example.com/realms/shop/.well-known/openid-configuration",
  audience: null,
};

/** A backend that fills Keycloak as Rust does: a missing parameter is named in `field`. */
function backend() {
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    if (cmd === "list_presets") return [keycloak];
    if (cmd === "fill_preset") {
      const params = (args as { params: Record<string, string> }).params;
      if (!params.realm?.trim()) {
        const error: IpcError = {
          code: "invalid_input",
          message: "preset keycloak: the parameter realm is missing (The realm's name), e.g. realm=myrealm",
          detail: null,
          line: null,
          field: "realm",
        };
        throw error;
      }
      return filled;
    }
  });
  return calls;
}

const collection: Collection = { name: "Mine", servers: [], clients: [], scenarios: [] } as unknown as Collection;

describe("New server from a preset", () => {
  it("shows a missing parameter's error next to its field", async () => {
    const user = userEvent.setup();
    backend();
    render(<PresetDialog collection={collection} onClose={() => {}} />);
    await user.type(await screen.findByLabelText(/base_url/), "https://sso.example.com");
    await user.click(screen.getByRole("button", { name: "Show endpoints" }));

    const realm = screen.getByLabelText(/realm/);
    const error = await screen.findByText(/the parameter realm is missing/);
    expect(realm.getAttribute("aria-invalid")).toBe("true");
    expect(realm.getAttribute("aria-describedby")).toBe(error.id);
    expect(screen.getByLabelText(/base_url/).getAttribute("aria-invalid")).toBeNull();
    expect(screen.queryByRole("region", { name: "Filled endpoints" })).toBeNull();
  });

  it("fills the endpoints and adds the server to the collection", async () => {
    const user = userEvent.setup();
    const calls = backend();
    const saved: Collection[] = [];
    render(
      <PresetDialog
        collection={collection}
        onSaveCollection={async (c) => {
          saved.push(c);
          return true;
        }}
        onClose={() => {}}
      />,
    );
    await user.type(await screen.findByLabelText(/base_url/), "https://sso.example.com");
    await user.type(screen.getByLabelText(/realm/), "shop");
    await user.click(screen.getByRole("button", { name: "Show endpoints" }));

    const endpoints = await screen.findByRole("region", { name: "Filled endpoints" });
    expect(within(endpoints).getByText(filled.server.token_endpoint)).toBeTruthy();
    expect(calls.find((c) => c.cmd === "fill_preset")?.args).toEqual({ id: "keycloak", params: { base_url: "https://sso.example.com", realm: "shop" } });

    await user.click(screen.getByRole("button", { name: "Add to “Mine”" }));
    expect(saved[0]?.servers?.[0]).toEqual({ ...filled.server, id: "keycloak" });
    expect(screen.getByRole("status").textContent).toBe("Added “keycloak”.");
  });
});
