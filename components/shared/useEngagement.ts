import * as React from "react";
import { ConflictError } from "./errors";
import type { ContactEngagements, EngagementStore } from "./store";

export type Notice = { readonly intent: "success" | "warning" | "error"; readonly text: string };

export interface EngagementHook {
  readonly status: "loading" | "ready" | "failed";
  readonly data?: ContactEngagements;
  readonly loadError?: string;
  readonly saving: boolean;
  readonly notice?: Notice;
  readonly reload: () => void;
  readonly dismissNotice: () => void;
  /**
   * Runs one write, then loads the newer state. Resolves true when saved; on
   * failure the notice says why and the caller keeps what the user typed.
   */
  readonly save: (action: () => Promise<unknown>, saved: string) => Promise<boolean>;
}

export interface HookText {
  readonly conflict: string;
  readonly loadFailed: string;
}

/** The contact's engagement data for one control: loaded once, reloaded after each write. */
export function useEngagement(store: EngagementStore, contactId: string | undefined, text: HookText): EngagementHook {
  const [state, setState] = React.useState<{ status: EngagementHook["status"]; data?: ContactEngagements; loadError?: string }>({
    status: "loading",
  });
  const [saving, setSaving] = React.useState(false);
  const [notice, setNotice] = React.useState<Notice | undefined>();
  const latest = React.useRef(0);
  // A form can be left while a request is in flight; its answer then changes nothing.
  const alive = React.useRef(true);
  React.useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  const load = React.useCallback(
    async (keepData: boolean, quiet = false) => {
      if (!contactId) return;
      const ticket = ++latest.current;
      setState((s) => (keepData && s.data ? s : { status: "loading" }));
      try {
        const data = await store.loadForContact(contactId);
        if (ticket === latest.current && alive.current) setState({ status: "ready", data });
      } catch (error) {
        if (ticket !== latest.current || !alive.current) return;
        const message = error instanceof Error ? error.message : String(error);
        setState((s) => (keepData && s.data ? s : { status: "failed", loadError: `${text.loadFailed} ${message}` }));
        if (keepData && !quiet) setNotice({ intent: "error", text: `${text.loadFailed} ${message}` });
      }
    },
    [store, contactId, text.loadFailed],
  );

  React.useEffect(() => {
    void load(false);
  }, [load]);

  const save = React.useCallback(
    async (action: () => Promise<unknown>, saved: string) => {
      setSaving(true);
      setNotice(undefined);
      try {
        await action();
        if (!alive.current) return true;
        setNotice({ intent: "success", text: saved });
        await load(true);
        return true;
      } catch (error) {
        if (!alive.current) return false;
        if (error instanceof ConflictError) {
          setNotice({ intent: "warning", text: text.conflict });
          await load(true);
        } else {
          setNotice({ intent: "error", text: error instanceof Error ? error.message : String(error) });
          // A refusal is judged on the server's rows, which may have moved (a colleague unticked a check):
          // show them as they are now. The refusal stays the message; typed text lives in the forms and stays.
          await load(true, true);
        }
        return false;
      } finally {
        if (alive.current) setSaving(false);
      }
    },
    [load, text.conflict],
  );

  return {
    ...state,
    saving,
    notice,
    reload: () => void load(false),
    dismissNotice: () => setNotice(undefined),
    save,
  };
}
