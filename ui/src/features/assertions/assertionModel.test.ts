import { describe, expect, it } from "vitest";

import type { Assertion, Collection } from "../../api/types";
import demo from "../../fixtures/demo-collection.json";
import { formatValue, fromAssertion, parseValue, toAssertion } from "./assertionModel";

describe("The assertion rows' model", () => {
  it("reads a value as JSON when it is JSON, else as the text itself", () => {
    expect(parseValue("42")).toBe(42);
    expect(parseValue("true")).toBe(true);
    expect(parseValue("null")).toBe(null);
    expect(parseValue('["a", "b"]')).toEqual(["a", "b"]);
    expect(parseValue('{"sub": "x"}')).toEqual({ sub: "x" });
    expect(parseValue('"42"')).toBe("42");
    expect(parseValue("order-service")).toBe("order-service");
    expect(parseValue("payments:charge shipping:create")).toBe("payments:charge shipping:create");
  });

  it("shows a text value that would read as something else quoted, so it reads back the same", () => {
    for (const v of ["bob", "42", "true", " padded", "order-service", 7, false, ["x"], { sub: "y" }]) {
      expect(parseValue(formatValue(v))).toEqual(v);
    }
    expect(formatValue("bob")).toBe("bob");
    expect(formatValue("42")).toBe('"42"');
  });

  it("turns every assertion of the demo collection into a row of its kind and back into the same JSON", () => {
    const all = (demo as unknown as Collection).scenarios!.flatMap((s) => (s.steps ?? []).flatMap((step) => step.assert ?? []));
    expect(all.length).toBeGreaterThan(20);
    for (const assertion of all) {
      const row = fromAssertion(assertion);
      expect(row.kind, JSON.stringify(assertion)).not.toBe("json");
      expect(JSON.stringify(toAssertion(row).assertion)).toBe(JSON.stringify(assertion));
    }
  });

  it("keeps an object the rows cannot show as a JSON row, exactly as written", () => {
    const odd = { claim: "scope", equals: "a", exists: true } as Assertion;
    const row = fromAssertion(odd);
    expect(row.kind).toBe("json");
    expect(toAssertion(row).assertion).toEqual(odd);
    expect(fromAssertion({ sub_preserved: false }).kind).toBe("json");
  });
});
