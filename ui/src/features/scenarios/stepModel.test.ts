import { describe, expect, it } from "vitest";
import type { Step } from "../../api/types";
import { cleanStep } from "./stepModel";

describe("cleanStep", () => {
  it("keeps what a negative test omits on purpose, and drops an empty omit", () => {
    const step: Step = {
      id: "no-type",
      name: "An exchange without subject_token_type",
      exchange: { client: "svc", subject_token: "{{steps.login.access_token}}", subject_token_type: "", omit: ["subject_token_type"] },
    };
    expect(cleanStep(step).exchange?.omit).toEqual(["subject_token_type"]);
    const token: Step = { id: "t", name: "T", token: { client: "svc", grant: "client_credentials", omit: ["scope", ""] } };
    expect(cleanStep(token).token?.omit).toEqual(["scope"]);
    const plain: Step = { id: "p", name: "P", token: { client: "svc", grant: "client_credentials", omit: [] } };
    expect(cleanStep(plain).token).not.toHaveProperty("omit");
  });
});
