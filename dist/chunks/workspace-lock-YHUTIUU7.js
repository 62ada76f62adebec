#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{g as a,h as b,i as c,j as d,k as e,l as f,m as g}from"./chunk-HOFFOZP2.js";import"./chunk-GT2HYUUF.js";import"./chunk-OVC4GFFL.js";import"./chunk-6RCUBUDZ.js";import"./chunk-MSXVNZMT.js";export{a as STATE_ROOT,c as WorkspaceLockedError,e as acquireWorkspaceLock,g as forceUnlock,d as lockPathOf,f as processTable,b as projectFolderOf};
