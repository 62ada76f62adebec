#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{h as a,i as b,j as c,k as d,l as e,m as f,n as g}from"./chunk-LB2HTA7C.js";import"./chunk-HWVR4YLO.js";import"./chunk-OVC4GFFL.js";import"./chunk-6RCUBUDZ.js";import"./chunk-MSXVNZMT.js";export{a as STATE_ROOT,c as WorkspaceLockedError,e as acquireWorkspaceLock,g as forceUnlock,d as lockPathOf,f as processTable,b as projectFolderOf};
