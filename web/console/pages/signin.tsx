/** Sign in: paste an ops token, or, in development only, mint one with POST /v1/dev/tokens. */
import { useEffect, useState } from "preact/hooks";
import { devSignIn, devSignInAvailable, errorText, get, setToken } from "../api";
import { Problem } from "../ui";

export function SignIn() {
  const [token, setValue] = useState("");
  const [dev, setDev] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void devSignInAvailable().then(setDev);
  }, []);
  const signIn = async (t: string) => {
    setBusy(true);
    setError(null);
    // The token is checked by a call only an operator may make before the console opens.
    sessionStorage.setItem("ops-token", t);
    try {
      await get("/v1/ops/drivers?limit=1");
      setToken(t);
    } catch (e) {
      sessionStorage.removeItem("ops-token");
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <h1>Operator console</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void signIn(token.trim());
        }}
      >
        <label for="token">Ops token</label>
        {/* No spell check, completion or capitals: a browser's enhanced spell check sends a field's text to its vendor. */}
        <textarea
          id="token"
          rows={4}
          value={token}
          onInput={(e) => setValue(e.currentTarget.value)}
          placeholder="eyJhbGciOi…"
          required
          spellcheck={false}
          autocomplete="off"
          autocapitalize="off"
        />
        <button type="submit" disabled={busy || !token.trim()}>
          Sign in
        </button>
      </form>
      {dev ? (
        <p>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() =>
              devSignIn().then(
                (t) => signIn(t),
                (e: unknown) => setError(errorText(e)),
              )
            }
          >
            Development sign-in
          </button>{" "}
          <span class="sub">mints an ops token (development only)</span>
        </p>
      ) : null}
      <Problem error={error} />
      <p class="sub">The token is kept in this tab only (sessionStorage) and sent to this server only.</p>
    </main>
  );
}
