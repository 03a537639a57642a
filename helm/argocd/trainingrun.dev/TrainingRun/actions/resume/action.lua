-- Resumes a suspended run: the operator starts a training pod again, which continues from the newest checkpoint.
if type(obj.spec.runPolicy) ~= "table" then
  obj.spec.runPolicy = {}
end
obj.spec.runPolicy.suspend = false
return obj
