#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{f as a,g as b,h as c,i as d,j as e,k as f}from"./chunk-7DUX5LS4.js";import"./chunk-IVZVGKSQ.js";import"./chunk-L4GPH4SK.js";import"./chunk-6RCUBUDZ.js";import"./chunk-MSXVNZMT.js";export{a as STATE_ROOT,c as WorkspaceLockedError,e as acquireWorkspaceLock,f as forceUnlock,d as lockPathOf,b as projectFolderOf};
