#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{f as a,g as b,h as c,i as d,j as e,k as f}from"./chunk-FUJS5IXH.js";import"./chunk-O2AKZVCR.js";import"./chunk-CWDLG4D5.js";import"./chunk-LU7ZZ67C.js";import"./chunk-MSXVNZMT.js";export{a as STATE_ROOT,c as WorkspaceLockedError,e as acquireWorkspaceLock,f as forceUnlock,d as lockPathOf,b as projectFolderOf};
