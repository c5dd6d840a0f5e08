// The Mini App's page script: no framework, no build step. Every call carries Telegram's
// initData; the server renders the HTML and says what was done or refused.
//
// Native ES modules, loaded by shell.html with one <script type="module">: each file imports
// what it uses, so the browser finds the order, and nothing is shared through globals; classic
// scripts would need one window object and a fixed order of <script> tags kept by hand. Modules
// come from this app's own origin, which the page's policy (script-src 'self') allows, and run
// once the page is parsed, as the script at the end of <body> did.
//
// Each screen's module registers what its buttons and forms do (actions.js) and what fills its
// tab (shell.js); importing it here is all it takes to add it.
import "./customer.js";
import "./counter.js";
import "./business.js";
import "./rewards.js";
import "./offers.js";
import "./look.js";
import "./settings.js";
import "./apikeys.js";
import { start } from "./shell.js";

start();
