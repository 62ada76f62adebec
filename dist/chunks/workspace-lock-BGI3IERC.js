#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{g as a,h as b,i as c,j as d,k as e,l as f}from"./chunk-R7YAMF2L.js";import"./chunk-IVZVGKSQ.js";import"./chunk-L4GPH4SK.js";import"./chunk-6RCUBUDZ.js";import"./chunk-MSXVNZMT.js";export{a as STATE_ROOT,c as WorkspaceLockedError,e as acquireWorkspaceLock,f as forceUnlock,d as lockPathOf,b as projectFolderOf};
