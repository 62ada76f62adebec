#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{f as a,g as b,h as c,i as d,j as e,k as f,l as g}from"./chunk-4JE7VWRH.js";import"./chunk-IVZVGKSQ.js";import"./chunk-L4GPH4SK.js";import"./chunk-6RCUBUDZ.js";import"./chunk-MSXVNZMT.js";export{a as STATE_ROOT,c as WorkspaceLockedError,e as acquireWorkspaceLock,g as forceUnlock,d as lockPathOf,f as processTable,b as projectFolderOf};
