// The VS Code client of `legality lsp`: plain JavaScript, no build step (see README.md).
//
// It starts the configured executable (`legality.server.path`, default `legality`) with `lsp` and speaks
// the Language Server Protocol over its stdin/stdout.  The language of the diagnostics and hovers
// (`legality.language`) goes to the server as `initializationOptions.lang`.  Changing a setting restarts
// the server; so does the command «Legality: Restart the language server».
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client = null;

function makeClient() {
  const cfg = vscode.workspace.getConfiguration("legality");
  const command = cfg.get("server.path") || "legality";
  const args = cfg.get("server.args") || ["lsp"];
  const lang = cfg.get("language") || "";
  const env = Object.assign({}, process.env);
  if (lang) {
    env.LEGALITY_LANG = lang;
  }
  const serverOptions = {
    run: { command, args, transport: TransportKind.stdio, options: { env } },
    debug: { command, args, transport: TransportKind.stdio, options: { env } },
  };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "legality" }],
    initializationOptions: lang ? { lang } : {},
    synchronize: {
      // a rule file or a law catalogue file changed on disk (another editor, git): compile again
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{legal,yaml,yml}"),
    },
  };
  return new LanguageClient("legality", "Legality", serverOptions, clientOptions);
}

async function restart() {
  if (client) {
    await client.stop();
  }
  client = makeClient();
  await client.start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("legality.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("legality.server") || e.affectsConfiguration("legality.language")) {
        restart();
      }
    }),
  );
  client = makeClient();
  await client.start();
}

async function deactivate() {
  if (client) {
    await client.stop();
    client = null;
  }
}

module.exports = { activate, deactivate };
