#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{g as a,h as b,i as c,j as d,k as e,l as f,m as g}from"./chunk-34XFPJQR.js";import"./chunk-IVZVGKSQ.js";import"./chunk-L4GPH4SK.js";import"./chunk-6RCUBUDZ.js";import"./chunk-MSXVNZMT.js";export{a as STATE_ROOT,c as WorkspaceLockedError,e as acquireWorkspaceLock,g as forceUnlock,d as lockPathOf,f as processTable,b as projectFolderOf};
