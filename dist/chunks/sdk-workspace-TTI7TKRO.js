#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a}from"./chunk-ZASKIEUJ.js";import"./chunk-TKDWHOO7.js";import"./chunk-MSXVNZMT.js";export{a as createSdkWorkspace};
