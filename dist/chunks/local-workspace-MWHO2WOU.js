#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a}from"./chunk-SXKBKUUU.js";import"./chunk-CWDLG4D5.js";import"./chunk-LU7ZZ67C.js";import"./chunk-U7RBM3FX.js";import"./chunk-UMCZ2SQH.js";import"./chunk-UICKJYL7.js";import"./chunk-67VPSOFW.js";import"./chunk-7G7MDKJF.js";import"./chunk-MSXVNZMT.js";export{a as startLocalWorkspace};
