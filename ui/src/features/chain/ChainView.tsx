import "./chain.css";

import { useEffect, useRef } from "react";

import type { ChainHop, ChainPrincipal, DelegationChain, Graph } from "../../api/types";

type Props = {
  graph: Graph;
  /** The token (or refusal) selected in the graph: its place in the chain is highlighted. */
  selectedId: string | null;
  /** Selects a token (or refusal) in the graph. */
  onSelect: (id: string) => void;
  emptyText?: string;
};

const HOP_LABEL: Record<ChainHop["kind"], string> = {
  delegation: "delegation",
  impersonation: "impersonation",
  grant: "JWT grant",
  refused: "✗ refused",
};

/** What a hop's click selects: the token it issued, else its refusal. */
export function hopTarget(hop: ChainHop): string {
  return hop.issued_token_id ?? hop.refusal_id ?? hop.subject_token_id;
}

/** Whether the selection is this hop (its issued token or refusal). */
function hopSelected(hop: ChainHop, selectedId: string | null): boolean {
  return selectedId !== null && (hop.issued_token_id === selectedId || hop.refusal_id === selectedId);
}

/** Whether the selection went into this hop (its subject or actor token). */
function hopFed(hop: ChainHop, selectedId: string | null): boolean {
  return selectedId !== null && (hop.subject_token_id === selectedId || hop.actor_token_id === selectedId);
}

function chainHolds(chain: DelegationChain, selectedId: string | null): boolean {
  if (selectedId === null) return false;
  return chain.principals.some((p) => p.token_id === selectedId) || chain.hops.some((h) => hopSelected(h, selectedId) || hopFed(h, selectedId));
}

/** The principals of each line of exchanges, in order — the subject, then whoever each hop let
 * act — each hop labelled with its kind, audience and scope. Large type, for a projector. */
export function ChainView({ graph, selectedId, onSelect, emptyText }: Props) {
  const chains = graph.chains ?? [];
  // The selection's place in a long chain scrolls into view.
  const root = useRef<HTMLElement>(null);
  useEffect(() => {
    const current = root.current?.querySelector<HTMLElement>('[aria-current="true"]');
    current?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  }, [selectedId, graph]);
  return (
    <section ref={root} className="chain-view" aria-label="Delegation chain">
      {chains.length === 0 ? (
        <p className="chain-view__empty muted">{emptyText ?? "No exchanges yet: the chain appears when a token is exchanged."}</p>
      ) : (
        chains.map((chain) => (
          <ChainLine key={chain.id} chain={chain} selectedId={selectedId} onSelect={onSelect} focused={chainHolds(chain, selectedId)} />
        ))
      )}
    </section>
  );
}

function ChainLine({
  chain,
  selectedId,
  onSelect,
  focused,
}: {
  chain: DelegationChain;
  selectedId: string | null;
  onSelect: (id: string) => void;
  focused: boolean;
}) {
  const names = chain.principals.map((p) => p.name).join(" → ");
  return (
    <ol className={`chain ${focused ? "chain--focused" : ""}`} aria-label={`Chain: ${names}`} data-testid="chain">
      {chain.principals.map((p, i) => {
        const hop = i > 0 ? chain.hops[i - 1] : undefined;
        return [
          hop ? <Hop key={`hop-${hop.step_id}`} hop={hop} selectedId={selectedId} onSelect={onSelect} /> : null,
          <PrincipalItem
            key={`p-${i}`}
            principal={p}
            refused={hop?.kind === "refused"}
            selected={p.token_id !== null && p.token_id === selectedId}
            onSelect={onSelect}
          />,
        ];
      })}
    </ol>
  );
}

function PrincipalItem({
  principal,
  refused,
  selected,
  onSelect,
}: {
  principal: ChainPrincipal;
  refused: boolean;
  selected: boolean;
  onSelect: (id: string) => void;
}) {
  const id = principal.token_id;
  const classes = ["chain__principal", `chain__principal--${principal.kind}`, refused ? "chain__principal--refused" : "", selected ? "chain__principal--selected" : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <li className={classes} data-testid="chain-principal" aria-current={selected ? "true" : undefined}>
      <button
        type="button"
        className="chain__button"
        disabled={id === null}
        onClick={() => id !== null && onSelect(id)}
        title={refused ? `${principal.name} asked, and was refused` : `Select ${principal.name}'s token in the graph`}
      >
        <span className="chain__name">{principal.name}</span>
        <span className="chain__kind">{refused ? "refused" : principal.kind}</span>
      </button>
    </li>
  );
}

function Hop({ hop, selectedId, onSelect }: { hop: ChainHop; selectedId: string | null; onSelect: (id: string) => void }) {
  const selected = hopSelected(hop, selectedId);
  const fed = hopFed(hop, selectedId);
  const classes = ["chain__hop", `chain__hop--${hop.kind}`, selected ? "chain__hop--selected" : "", fed ? "chain__hop--fed" : ""].filter(Boolean).join(" ");
  return (
    <li className={classes} data-testid="chain-hop" data-kind={hop.kind} aria-current={selected ? "true" : undefined}>
      <button
        type="button"
        className="chain__button"
        onClick={() => onSelect(hopTarget(hop))}
        title={`${hop.step_name}: select the ${hop.kind === "refused" ? "refusal" : "issued token"} in the graph`}
      >
        <span className="chain__arrow" aria-hidden="true">
          {hop.kind === "refused" ? "⇢✗" : "→"}
        </span>
        <span className="chain__hop-kind">{HOP_LABEL[hop.kind]}</span>
        {hop.audience.length > 0 ? <span className="chain__hop-detail">aud {hop.audience.join(", ")}</span> : null}
        {hop.scope.length > 0 ? <span className="chain__hop-detail">scope {hop.scope.join(" ")}</span> : null}
      </button>
    </li>
  );
}
