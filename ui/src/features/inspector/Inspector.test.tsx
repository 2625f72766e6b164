import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { RunView } from "../../api/types";
import fixture from "../../fixtures/legacy-saml.json";
import { Inspector } from "./Inspector";

const view = fixture as unknown as RunView;

describe("The inspector", () => {
  it("shows a SAML assertion's fields and its signature checked against the lab's certificate", () => {
    render(<Inspector view={view} selection={{ kind: "step", id: "assertion" }} onClose={() => {}} />);
    const saml = screen.getByRole("region", { name: "SAML 2.0 assertion" });
    const assertion = within(saml).getByRole("table", { name: "Assertion" });
    expect(within(assertion).getByRole("row", { name: /Subject \(NameID\)/ }).textContent).toContain("alice");
    expect(within(assertion).getByRole("row", { name: /Audience/ }).textContent).toContain("legacy-hr-app");
    expect(within(assertion).getByRole("row", { name: /Signature/ }).textContent).toContain("ECDSA-SHA256");
    const attributes = within(saml).getByRole("table", { name: "Attributes" });
    expect(attributes.querySelector('[data-claim="scope"]')?.textContent).toContain("profile, email");
    expect(attributes.querySelector('[data-claim="email"]')?.textContent).toContain("alice@example.com");
    const signature = screen.getByRole("region", { name: "Signature" });
    expect(signature.textContent).toContain("Signature verified");
    expect(signature.textContent).toContain("/saml/certificate");
    // Not shown as a JWT: no header or claims tables.
    expect(screen.queryByRole("table", { name: "Header" })).toBeNull();
  });

  it("shows an opaque token through the introspection of it", () => {
    render(<Inspector view={view} selection={{ kind: "step", id: "gateway" }} onClose={() => {}} />);
    expect(screen.getByRole("region", { name: "Signature" }).textContent).toContain("Opaque token");
    const introspection = screen.getByRole("table", { name: "Introspection response (step introspect)" });
    expect(introspection.querySelector('[data-claim="sub"]')?.textContent).toContain("alice");
    expect(introspection.querySelector('[data-claim="aud"]')?.textContent).toContain("hr-api");
  });
});
