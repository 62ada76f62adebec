#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{f as a,g as b,h as c,i as d,j as e,k as f}from"./chunk-5KO65TWJ.js";import"./chunk-5VM2YAWP.js";import"./chunk-VBIFKMSC.js";import"./chunk-7G7MDKJF.js";import"./chunk-MSXVNZMT.js";export{a as STATE_ROOT,c as WorkspaceLockedError,e as acquireWorkspaceLock,f as forceUnlock,d as lockPathOf,b as projectFolderOf};
