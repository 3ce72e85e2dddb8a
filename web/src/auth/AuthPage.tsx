import { useState, type FormEvent } from "react";
import { api, type Session } from "../api/client";
import { showError } from "../ui/notify";
import { navigate } from "../ui/router";

interface LoginAnswer {
  user: Session["user"];
  access_token: string;
  refresh_token: string;
}

async function logIn(email: string, password: string): Promise<void> {
  const answer = await api.request<LoginAnswer>("POST", "/api/user/token-auth/", { email, password }, false);
  api.setSession({ access: answer.access_token, refresh: answer.refresh_token, user: answer.user });
}

/** Sign up or log in: one form, two modes. */
export function AuthPage(props: { mode: "login" | "signup" }) {
  const signup = props.mode === "signup";
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      if (signup) await api.request("POST", "/api/user/", { name, email, password }, false);
      await logIn(email, password);
      navigate("/", true);
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth">
      <form className="auth-card" onSubmit={(event) => void submit(event)}>
        <h1>gridbase</h1>
        <h2>{signup ? "Create an account" : "Log in"}</h2>
        {signup && (
          <label>
            Name
            <input value={name} onChange={(event) => setName(event.target.value)} autoComplete="name" required />
          </label>
        )}
        <label>
          Email
          <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} autoComplete="email" required />
        </label>
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            autoComplete={signup ? "new-password" : "current-password"}
            required
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {signup ? "Sign up" : "Log in"}
        </button>
        <p>
          {signup ? "Already have an account? " : "No account yet? "}
          <a
            href={signup ? "/login" : "/signup"}
            onClick={(event) => {
              event.preventDefault();
              navigate(signup ? "/login" : "/signup");
            }}
          >
            {signup ? "Log in" : "Sign up"}
          </a>
        </p>
      </form>
    </main>
  );
}

/** End the session on the server too, so the refresh token cannot be reused. */
export async function logOut(): Promise<void> {
  const session = api.current;
  api.setSession(null);
  if (session) {
    await api.request("POST", "/api/user/token-blacklist/", { refresh_token: session.refresh }, false).catch(() => undefined);
  }
  navigate("/login", true);
}
