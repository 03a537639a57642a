-- Argo CD health of a TrainingRun, from the status the operator and the trainer write.
-- Argo CD runs this with the run as the global `obj` (Lua 5.1, no modules); docs/gitops.md explains the mapping.
-- Unless resource.customizations.useOpenLibs is set, Argo CD gives a health script only Lua's base and table libraries
-- (not string, not math), so numbers are written with arithmetic and `..` alone.

local DIGITS = {[0] = "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

-- The decimal digits of a whole number n >= 0.
local function digits(n)
  local text = DIGITS[n % 10]
  n = (n - n % 10) / 10
  while n > 0 do
    text = DIGITS[n % 10] .. text
    n = (n - n % 10) / 10
  end
  return text
end

-- n as string.format("%d", n) writes it: its whole part, "7" for 7.9, "-3" for -3.2.
local function whole(n)
  local size = n < 0 and -n or n
  local text = digits(size - size % 1)
  if n <= -1 then
    return "-" .. text
  end
  return text
end

-- x rounded to four decimals, halves away from zero: "0.8667" for 0.86666.
local function fixed4(x)
  if x < 0 then
    return "-" .. fixed4(-x)
  end
  local scaled = x * 10000 + 0.5
  scaled = scaled - scaled % 1
  local fraction = digits(scaled % 10000)
  while #fraction < 4 do
    fraction = "0" .. fraction
  end
  return digits((scaled - scaled % 10000) / 10000) .. "." .. fraction
end

-- The condition of that type, or nil.
local function condition(status, kind)
  if type(status.conditions) ~= "table" then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if type(c) == "table" and c.type == kind then
      return c
    end
  end
  return nil
end

-- "Reason: message" of a condition, or the fallback when the operator has not explained the state.
local function explain(c, fallback)
  if c == nil then
    return fallback
  end
  local reason = type(c.reason) == "string" and c.reason ~= "" and c.reason or nil
  local message = type(c.message) == "string" and c.message ~= "" and c.message or nil
  if reason ~= nil and message ~= nil then
    return reason .. ": " .. message
  end
  return message or reason or fallback
end

-- "Epoch 3/10, val-acc 0.8667" from the trainer's progress, or nil before the trainer has reported.
local function progress(status)
  local p = status.progress
  if type(p) ~= "table" or type(p.epoch) ~= "number" then
    return nil
  end
  local text = "Epoch " .. whole(p.epoch)
  if type(p.totalEpochs) == "number" then
    text = text .. "/" .. whole(p.totalEpochs)
  end
  if type(p.valAccuracy) == "number" then
    text = text .. ", val-acc " .. fixed4(p.valAccuracy)
  end
  return text
end

local function health()
  local status = obj.status
  if type(status) ~= "table" or status.phase == nil then
    return "Progressing", "Waiting for the operator to report on this run."
  end
  local phase = status.phase

  -- A finished run never starts again, so its outcome stands even when a later runPolicy edit is not observed yet.
  if phase == "Succeeded" then
    -- The message says where the outputs are. The reason is Completed after the last epoch, or the stop rule
    -- (spec.training.stopWhen) that ended the run early, which is worth showing.
    local succeeded = condition(status, "Succeeded")
    local message = succeeded ~= nil and type(succeeded.message) == "string" and succeeded.message ~= ""
      and succeeded.message or "Training finished."
    if succeeded ~= nil and type(succeeded.reason) == "string" and succeeded.reason ~= ""
      and succeeded.reason ~= "Completed" then
      message = succeeded.reason .. ": " .. message
    end
    local best = status.best
    if type(best) == "table" and type(best.valAccuracy) == "number" and type(best.epoch) == "number" then
      message = message .. " Best val-acc " .. fixed4(best.valAccuracy)
        .. " at epoch " .. whole(best.epoch) .. "."
    end
    return "Healthy", message
  end
  if phase == "Failed" then
    return "Degraded", explain(condition(status, "Failed"), "The run failed.")
  end

  -- Until the operator has acted on the newest spec (e.g. runPolicy.suspend just changed), the status is old news.
  local observed = status.observedGeneration
  if type(observed) ~= "number" then
    return "Progressing", "Waiting for the operator to report on this run."
  end
  local generation = type(obj.metadata) == "table" and obj.metadata.generation or nil
  if type(generation) == "number" and observed < generation then
    return "Progressing", "Waiting for the operator to act on generation " .. whole(generation)
      .. " of the spec (the status describes generation " .. whole(observed) .. ")."
  end

  -- An operator newer than the installed CRD: the status lacks what the CRD lacks until someone applies the new one.
  local ready = condition(status, "Ready")
  if ready ~= nil and ready.status == "False" and ready.reason == "CrdOutdated" then
    return "Degraded", explain(ready, "The installed TrainingRun CRD is older than the operator.")
  end

  if phase == "Suspended" then
    return "Suspended", explain(condition(status, "Suspended"), "spec.runPolicy.suspend is true.")
  end

  -- Stuck runs need someone to act, except a pod waiting for free GPUs, which a busy cluster resolves by itself, and
  -- a fork waiting for the checkpoint its source run is training towards.
  local stuck = condition(status, "Stuck")
  if stuck ~= nil and stuck.status == "True" then
    if stuck.reason == "Unschedulable" then
      return "Progressing", explain(stuck, "The training pod cannot be scheduled yet.")
    end
    if stuck.reason == "SourceCheckpointPending" then
      return "Progressing", explain(stuck, "Waiting for the source run's checkpoint.")
    end
    return "Degraded", explain(stuck, "The run is stuck.")
  end

  if phase == "Running" then
    local running = condition(status, "Running")
    local where = running ~= nil and type(running.message) == "string" and running.message ~= ""
      and running.message or nil
    local trained = progress(status)
    if trained ~= nil and where ~= nil then
      return "Progressing", trained .. ". " .. where
    end
    return "Progressing", trained or where or "Training."
  end
  -- Waiting in a queue (Kueue) for quota: the queue's own words say for what, and it admits the run by itself.
  local queued = condition(status, "Queued")
  if queued ~= nil and queued.status == "True" then
    return "Progressing", explain(queued, "Waiting in a queue.")
  end
  if phase == "Pending" then
    -- Every condition that is False carries the reason and message of the phase; Running is always there.
    return "Progressing", explain(condition(status, "Running"), "Waiting for the training pod.")
  end
  if type(phase) ~= "string" then
    -- Not tostring: Lua 5.1 and Argo CD's gopher-lua write numbers and tables differently.
    return "Progressing", "status.phase is not a string, so this health check cannot tell the state."
  end
  return "Progressing", "Phase " .. phase .. " is unknown to this health check."
end

local hs = {}
hs.status, hs.message = health()
return hs
