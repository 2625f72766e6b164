import "./exchangeAnimation.css";

import { useEffect, useRef, useState } from "react";

import type { Step, StepRecord } from "../../api/types";
import type { LiveStatus } from "../run/useRun";
import { liveMotion, type ExchangeMotion } from "./exchangeMotion";

const REDUCED = "(prefers-reduced-motion: reduce)";

/** Whether the system asks for less motion; follows changes. */
export function usePrefersReducedMotion(): boolean {
  const query = typeof window !== "undefined" && typeof window.matchMedia === "function" ? window.matchMedia(REDUCED) : null;
  const [reduced, setReduced] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const onChange = () => setReduced(query.matches);
    query.addEventListener?.("change", onChange);
    return () => query.removeEventListener?.("change", onChange);
  }, [query]);
  return reduced;
}

/** An exchange shown moving, over the drawing: the subject and actor chips go into the token
 * service, the issued token comes out (or ✗). Transforms and opacity only, about a second, and
 * nothing at all when the system asks for reduced motion. It never touches the graph's layout. */
export function ExchangeAnimation({ motion }: { motion: ExchangeMotion | null }) {
  const reduced = usePrefersReducedMotion();
  if (!motion || reduced) return null;
  const said =
    motion.outcome === "pending"
      ? `${motion.stepName}: exchanging`
      : motion.outcome === "issued"
        ? `${motion.stepName}: token issued`
        : `${motion.stepName}: refused`;
  return (
    <div
      key={motion.key}
      className={`exchange-motion exchange-motion--${motion.outcome}`}
      data-testid="exchange-animation"
      data-outcome={motion.outcome}
      role="img"
      aria-label={said}
    >
      <div className="exchange-motion__inputs">
        <span className="exchange-motion__chip exchange-motion__chip--subject">{motion.subject}</span>
        {motion.actor ? <span className="exchange-motion__chip exchange-motion__chip--actor">{motion.actor}</span> : null}
      </div>
      <span className="exchange-motion__sts">STS</span>
      <div className="exchange-motion__output">
        {motion.outcome === "issued" ? <span className="exchange-motion__chip exchange-motion__chip--issued">{motion.issued}</span> : null}
        {motion.outcome === "refused" ? <span className="exchange-motion__chip exchange-motion__chip--refused">✗ refused</span> : null}
      </div>
    </div>
  );
}

/** How long a finished exchange stays in motion, in ms (its CSS animation ends before). */
const FINISHED_MS = 1600;

/** The exchange a running scenario is making, or has just made. */
export function useLiveMotion(
  steps: readonly Step[],
  statuses: Record<string, LiveStatus>,
  records: Record<string, StepRecord>,
): ExchangeMotion | null {
  const previous = useRef(statuses);
  const timer = useRef<number | undefined>(undefined);
  const [justFinished, setJustFinished] = useState<string | null>(null);
  useEffect(() => {
    const before = previous.current;
    previous.current = statuses;
    const finished = Object.keys(statuses).filter((id) => before[id] === "running" && statuses[id] !== "running" && statuses[id] !== "idle");
    if (finished.length === 0) return;
    setJustFinished(finished[finished.length - 1]!);
    // The timer outlives later status changes (the next step starting, the run's result).
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setJustFinished(null), FINISHED_MS);
  }, [statuses]);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return liveMotion(steps, statuses, records, justFinished);
}
