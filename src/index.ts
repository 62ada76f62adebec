// GitHub Action entry: only calls run(); tests import run() from ./action/main.js without side effects.
import { run } from "./action/main.js";

void run();
