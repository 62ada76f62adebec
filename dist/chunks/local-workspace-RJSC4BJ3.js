#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a}from"./chunk-C4XOHIP3.js";import"./chunk-L4GPH4SK.js";import"./chunk-6RCUBUDZ.js";import"./chunk-PYW6ANE3.js";import"./chunk-UMCZ2SQH.js";import"./chunk-UICKJYL7.js";import"./chunk-67VPSOFW.js";import"./chunk-7G7MDKJF.js";import"./chunk-MSXVNZMT.js";export{a as startLocalWorkspace};
