-- Argo CD resource actions of a TrainingRun: the ones that apply to the run as it is, each only where it applies.
-- spec.runPolicy.suspend is the wish both actions change; a finished run (Succeeded, Failed) never starts again, so
-- neither applies to it.
local actions = {}
local status = type(obj.status) == "table" and obj.status or {}
if status.phase == "Succeeded" or status.phase == "Failed" then
  return actions
end
local policy = type(obj.spec) == "table" and obj.spec.runPolicy or nil
if type(policy) == "table" and policy.suspend == true then
  actions["resume"] = {["iconClass"] = "fa fa-fw fa-play"}
else
  actions["suspend"] = {["iconClass"] = "fa fa-fw fa-pause"}
end
return actions
