import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it } from "vitest";

import type { Collection, DiscoveryView, LabInfo } from "../../api/types";
import { ServerPanel } from "./ServerPanel";

const lab: LabInfo = { base_url: "http://127.0.0.1:8693", issuer: "http://127.0.0.1:8693", clients: [], users: [] };

describe("The server panel", () => {
  it("discovers an issuer: its endpoints, whether token exchange is advertised, and its findings", async () => {
    const user = userEvent.setup();
    const view: DiscoveryView = {
      metadata_url: "https://idp.example.com/.well-known/oauth-authorization-server",
      token_endpoint: "https://idp.example.com/token",
      jwks_uri: "https://idp.example.com/jwks",
      introspection_endpoint: null,
      token_exchange_advertised: false,
      findings: [
        {
          id: "discovery.token-exchange-not-advertised",
          severity: "warning",
          message: "grant_types_supported does not list urn:ietf:params:oauth:grant-type:token-exchange",
          reference: "RFC 8414 §2",
        },
      ],
    };
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "discover") return view;
    });
    render(<ServerPanel lab={lab} collection={null} />);

    const input = screen.getByLabelText("Issuer URL");
    expect((input as HTMLInputElement).value).toBe(lab.issuer);
    await user.clear(input);
    await user.type(input, "https://idp.example.com");
    await user.click(screen.getByRole("button", { name: "Discover" }));

    expect(await screen.findByText(/Token exchange is not advertised/)).toBeTruthy();
    expect(screen.getByText("https://idp.example.com/token")).toBeTruthy();
    expect(screen.getByText("https://idp.example.com/jwks")).toBeTruthy();
    expect(screen.getByText("not advertised")).toBeTruthy();
    expect(screen.getByText(/grant_types_supported does not list/)).toBeTruthy();
    expect(screen.getByText("RFC 8414 §2")).toBeTruthy();
    expect(calls).toEqual([{ cmd: "discover", args: { issuer: "https://idp.example.com" } }]);
  });

  it("adds a discovered server to the selected collection", async () => {
    const user = userEvent.setup();
    mockIPC((cmd) => {
      if (cmd === "discover") {
        return {
          metadata_url: "https://idp.example.com/.well-known/openid-configuration",
          token_endpoint: "https://idp.example.com/oauth2/token",
          jwks_uri: "https://idp.example.com/jwks",
          introspection_endpoint: "https://idp.example.com/oauth2/introspect",
          token_exchange_advertised: true,
          findings: [],
        } satisfies DiscoveryView;
      }
    });
    const saved: Collection[] = [];
    const collection: Collection = { name: "Payments", servers: [{ id: "lab", token_endpoint: "{{env.lab}}/token" }] };
    render(<ServerPanel lab={null} collection={collection} onSaveCollection={async (c) => (saved.push(c), true)} />);
    await user.type(screen.getByLabelText("Issuer URL"), "https://idp.example.com");
    await user.click(screen.getByRole("button", { name: "Discover" }));
    expect(await screen.findByText(/Token exchange \(urn:ietf:params:oauth:grant-type:token-exchange\) is advertised/)).toBeTruthy();
    expect((screen.getByLabelText("Server id") as HTMLInputElement).value).toBe("idp-example-com");
    await user.click(screen.getByRole("button", { name: "Add to “Payments”" }));
    expect(saved).toEqual([
      {
        name: "Payments",
        servers: [
          { id: "lab", token_endpoint: "{{env.lab}}/token" },
          {
            id: "idp-example-com",
            issuer: "https://idp.example.com",
            token_endpoint: "https://idp.example.com/oauth2/token",
            jwks_uri: "https://idp.example.com/jwks",
            introspection_endpoint: "https://idp.example.com/oauth2/introspect",
          },
        ],
      },
    ]);
  });

  it("shows why a server could not be reached", async () => {
    const user = userEvent.setup();
    mockIPC(() => Promise.reject({ code: "transport", message: "https://down.example could not be reached: connection refused", detail: null }));
    render(<ServerPanel lab={null} collection={null} />);
    await user.type(screen.getByLabelText("Issuer URL"), "https://down.example");
    await user.click(screen.getByRole("button", { name: "Discover" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Server unreachable");
    expect(alert.textContent).toContain("connection refused");
  });
});
