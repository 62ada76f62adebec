#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{d as o,e}from"./chunk-7G7MDKJF.js";var n=o("Task").filter(t=>t.endsWith("_task")),s=e("GitProvider"),i=o("JobSettings"),l=o("Task"),S=o("Job"),a=o("WebhookNotifications"),E=e("JobPermissionLevel"),_=o("JobAccessControlRequest").filter(t=>t!=="permission_level");export{n as a,s as b,i as c,l as d,S as e,a as f,E as g,_ as h};
