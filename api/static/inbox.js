// The approvals inbox: lists what the token's holder may decide (GET /approvals) and decides it
// (POST /approvals/{id}?wait=true). Everything shown comes from outsiders in part (ticket text, customer
// notes, tainted arguments), so the page only ever sets textContent / value, never HTML. The token stays
// in this tab's sessionStorage and is sent only to this origin.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const KEY = "warden.inbox.token";
let timer = null;

function token() { return sessionStorage.getItem(KEY) || ""; }

function say(text, cls = "") {
  const status = $("#status");
  status.textContent = text;
  status.className = cls;
}

function claims(jwt) {
  try {
    const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part));
  } catch (e) { return null; }
}

async function api(method, path, body) {
  const headers = { "Authorization": "Bearer " + token() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  if (!r.ok) {
    const msg = data && data.message ? data.message : "HTTP " + r.status;
    throw new Error((data && data.error ? data.error + ": " : "") + msg);
  }
  return data;
}

function lastMessage(result) {
  const msgs = result && result.messages;
  if (!Array.isArray(msgs) || msgs.length === 0) return "";
  const m = msgs[msgs.length - 1];
  return typeof m.content === "string" ? m.content : JSON.stringify(m.content);
}

function render(items) {
  const list = $("#items");
  list.replaceChildren();
  $("#empty").hidden = items.length > 0;
  for (const a of items) {
    const node = $("#item").content.firstElementChild.cloneNode(true);
    $(".tool", node).textContent = a.tool + (a.version ? "@" + a.version : "");
    const risk = $(".risk", node);
    risk.textContent = (a.risk || "?") + " risk";
    risk.classList.add(String(a.risk || ""));
    $(".tier", node).textContent = a.tier || "";
    $(".expires", node).textContent = a.expires_at ? "expires " + new Date(a.expires_at).toLocaleString() : "";
    $(".description", node).textContent = a.description || "";
    $(".requested_by", node).textContent = a.requested_by || "?";
    $(".policy", node).textContent = [a.rule, a.reason].filter(Boolean).join(": ");
    $(".thread", node).textContent = a.thread_id;
    if (Array.isArray(a.tainted) && a.tainted.length) {
      const t = $(".tainted", node);
      t.hidden = false;
      const from = a.provenance || {};
      t.textContent = "Derived from untrusted text (check them): " +
        a.tainted.map((name) => from[name] ? `${name} ← ${from[name]}` : name).join("; ");
    }
    const args = $(".args", node);
    args.value = JSON.stringify(a.args || {}, null, 2);
    const outcome = $(".outcome", node);
    const decide = async (decision) => {
      const body = { decision, comment: $(".comment", node).value || null };
      if (decision === "edit") {
        try { body.args = JSON.parse(args.value); } catch (e) {
          outcome.textContent = "The arguments are not valid JSON: " + e.message;
          outcome.className = "outcome error";
          return;
        }
      }
      for (const b of node.querySelectorAll("button")) b.disabled = true;
      outcome.textContent = "Deciding…";
      outcome.className = "outcome";
      try {
        const out = await api("POST", "/approvals/" + encodeURIComponent(a.id) + "?wait=true", body);
        const result = out.result || {};
        outcome.textContent = "Done: " + (result.stop_reason || out.run.status) + ". " + lastMessage(result);
        outcome.className = "outcome ok";
        setTimeout(load, 2500);
      } catch (e) {
        outcome.textContent = "Refused: " + e.message;
        outcome.className = "outcome error";
        for (const b of node.querySelectorAll("button")) b.disabled = false;
      }
    };
    $(".accept", node).addEventListener("click", () => decide("accept"));
    $(".edit", node).addEventListener("click", () => decide("edit"));
    $(".reject", node).addEventListener("click", () => decide("reject"));
    list.appendChild(node);
  }
}

async function load() {
  if (!token()) { say("Paste a token to see what is waiting for you."); return; }
  const c = claims(token());
  $("#who").textContent = c ? `Signed in as ${c.sub} (${c.tenant}; roles: ${(c.roles || []).join(", ")})` : "";
  try {
    const items = await api("GET", "/approvals");
    render(items);
    say(`${items.length} pending · refreshed ${new Date().toLocaleTimeString()}`);
  } catch (e) {
    say("Could not load: " + e.message, "error");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#token").value = token();
  $("#auth").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(KEY, $("#token").value.trim());
    load();
  });
  $("#forget").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    $("#token").value = "";
    $("#items").replaceChildren();
    $("#who").textContent = "";
    say("Token forgotten.");
  });
  load();
  timer = setInterval(() => { if (!document.hidden) load(); }, 15000);
});
