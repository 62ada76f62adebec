#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a as r}from"./chunk-MSXVNZMT.js";var t=class extends Error{constructor(e,o){super(e);this.operation=o;this.name="AmbiguousWriteError"}operation;static{r(this,"AmbiguousWriteError")}},s=class extends Error{constructor(e,o,a,m){super(e);this.errorCode=o;this.statusCode=a;this.operation=m;this.name="WorkspaceApiError"}errorCode;statusCode;operation;static{r(this,"WorkspaceApiError")}};export{t as a,s as b};
