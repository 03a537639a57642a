-- Suspends the run: the operator stops its training pod and keeps its checkpoints (docs/gitops.md).
if type(obj.spec.runPolicy) ~= "table" then
  obj.spec.runPolicy = {}
end
obj.spec.runPolicy.suspend = true
return obj
