#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a}from"./chunk-MCNCZTVJ.js";import"./chunk-ODICX72O.js";import"./chunk-UICKJYL7.js";import"./chunk-OVC4GFFL.js";import"./chunk-6RCUBUDZ.js";import"./chunk-OCVI6DNW.js";import"./chunk-ZBYEYNWD.js";import"./chunk-ZGKH77GF.js";import"./chunk-7JMRTRC4.js";import"./chunk-7G7MDKJF.js";import"./chunk-MSXVNZMT.js";export{a as startLocalWorkspace};
